export * from './types.ts';
export * from './clock.ts';
export * from './recorder.ts';
export * from './reader.ts';
