// Command-path metrics (the shared HTTP histogram covers transport; these count domain outcomes).
import { counter, histogram } from '../shared/metrics.ts';

export function getCommandMetrics() {
  return {
    commands: counter<'command' | 'outcome' | 'status'>({
      name: 'commands_total',
      help: 'Commands by type, outcome (accepted|rejected|failed|replayed) and HTTP status',
      labelNames: ['command', 'outcome', 'status'],
    }),
    latency: histogram<'command' | 'outcome'>({
      name: 'command_duration_seconds',
      help: 'Command handling time, transaction included',
      labelNames: ['command', 'outcome'],
    }),
    replays: counter<'command'>({
      name: 'idempotent_replays_total',
      help: 'Commands answered from command_dedup (same Idempotency-Key), nothing written',
      labelNames: ['command'],
    }),
    groupSize: histogram({
      name: 'command_group_size',
      help: 'Commands per group transaction (group commit)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    }),
    groupSeconds: histogram({
      name: 'command_group_transaction_seconds',
      help: 'Time of one group transaction, both round trips and the commit included',
    }),
    dualWriteFailures: counter({
      name: 'dual_write_publish_failures_total',
      help: 'PUBLISH_MODE=dual-write: publishes that failed after the commit (events lost)',
    }),
  };
}
export type CommandMetrics = ReturnType<typeof getCommandMetrics>;
