export * from './commands.ts';
export * from './model.ts';
export * from './arbitraries.ts';
