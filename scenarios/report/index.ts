export * from './types.ts';
export * from './json.ts';
export * from './markdown.ts';
export * from './junit.ts';
export * from './writeReports.ts';
