// The workload's entry points for the runner: `runOpenLoop` (the paced, model-based command
// workload) and `startReaders` (query-API sampling for monotonic reads). The domain model in
// model.ts is the harness's one oracle.
export * from './commands.ts';
export * from './model.ts';
export { runOpenLoop, OPEN_LOOP_DEFAULTS, type OpenLoopOptions, type CommandSender } from './openLoop.ts';
export {
  createGenerator,
  GENERATOR_DEFAULTS,
  type GeneratorOptions,
  type CommandGenerator,
  type Intent,
  type Planned,
} from './generator.ts';
export { startReaders, type ReadersOptions, type ReadersHandle } from './readers.ts';
export type { WorkloadSummary } from './summary.ts';
