export * from './types.ts';
export * from './schedule.ts';
export * from './toxics.ts';
export * from './arbitraries.ts';
