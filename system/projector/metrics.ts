// The projector's metrics (names get the `faultline_` prefix).
import type { Registry } from 'prom-client';
import { counter, gauge, histogram } from '../shared/metrics.ts';

export function projectorMetrics(registry?: Registry) {
  const r = registry ? { registry } : {};
  return {
    applied: counter<'mode' | 'source'>({
      name: 'projector_applied_total',
      help: 'Events applied to the read model',
      labelNames: ['mode', 'source'],
      ...r,
    }),
    reapplied: counter({
      name: 'projector_reapplied_total',
      help: 'Stale events applied again (not effectively-once): visible duplicates',
      ...r,
    }),
    duplicates: counter({
      name: 'projector_duplicates_skipped_total',
      help: 'Events skipped as already applied (inbox or stale version)',
      ...r,
    }),
    parked: counter<'reason'>({
      name: 'projector_parked_total',
      help: 'Events parked (blocked stream or version gap)',
      labelNames: ['reason'],
      ...r,
    }),
    released: counter({ name: 'projector_released_total', help: 'Parked events applied once their turn came', ...r }),
    retries: counter({ name: 'projector_retries_total', help: 'Transaction retries after a transient failure', ...r }),
    dlq: counter<'exception'>({
      name: 'projector_dlq_total',
      help: 'Records sent to the dead-letter topic',
      labelNames: ['exception'],
      ...r,
    }),
    offsetCommitErrors: counter({ name: 'projector_offset_commit_errors_total', help: 'Kafka offset commits that failed', ...r }),
    ...groupMetrics(registry),
    parkedNow: gauge({ name: 'projector_parked_events', help: 'Parked events not yet released (refreshed every few seconds)', ...r }),
    openDeadLetters: gauge({ name: 'projector_open_dead_letters', help: 'Dead letters neither replayed nor discarded', ...r }),
    dlqTruncated: counter({
      name: 'projector_dlq_truncated_total',
      help: 'Dead letters too large for the dead-letter topic, sent as a truncated copy (full bytes in dead_letters)',
      ...r,
    }),
    dlqPublishFailures: counter<'copy'>({
      name: 'projector_dlq_publish_failures_total',
      help: 'Dead letters the topic refused for good (kept in dead_letters only)',
      labelNames: ['copy'],
      ...r,
    }),
    conflicts: counter({
      name: 'projector_conflicts_total',
      help: 'Events dead-lettered because another event was applied under their id or version',
      ...r,
    }),
    parkedGaps: gauge({ name: 'projector_parked_gap_events', help: 'Events parked behind a version gap, not yet released', ...r }),
    parkedOldestAgeSeconds: gauge({
      name: 'projector_parked_oldest_age_seconds',
      help: 'Age of the oldest unreleased parked event (0 when none)',
      ...r,
    }),
    lag: gauge<'partition'>({
      name: 'projector_lag',
      help: 'Records behind the live high watermark, per partition',
      labelNames: ['partition'],
      ...r,
    }),
    stalled: gauge({
      name: 'projector_stalled',
      help: '1 while some partition is behind and has not advanced for PROJECTOR_STALL_AFTER_MS',
      ...r,
    }),
    applySeconds: histogram({ name: 'projector_apply_seconds', help: 'Time to handle one record, retries included', ...r }),
    identity: gauge<'applied_by'>({
      name: 'projector_identity',
      help: '1, labelled with the name this process writes in the applied log (applied_events.applied_by)',
      labelNames: ['applied_by'],
      ...r,
    }),
  };
}
export type ProjectorMetrics = ReturnType<typeof projectorMetrics>;

/** Where the consumer group put this member: a rebalance and a moved partition are visible from outside. */
function groupMetrics(registry?: Registry) {
  const r = registry ? { registry } : {};
  return {
    groupJoins: counter({
      name: 'projector_group_joins_total',
      help: 'Consumer group joins (one per rebalance this member took part in)',
      ...r,
    }),
    assignedPartitions: gauge({
      name: 'projector_assigned_partitions',
      help: 'Partitions assigned to this member at its last group join',
      ...r,
    }),
  };
}
