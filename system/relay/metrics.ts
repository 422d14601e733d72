// The relay's metrics (names get the `faultline_` prefix).
import type { Registry } from 'prom-client';
import { counter, gauge, histogram } from '../shared/metrics.ts';

export function relayMetrics(registry?: Registry) {
  const r = registry ? { registry } : {};
  return {
    backlog: gauge({ name: 'relay_outbox_backlog', help: 'Unpublished outbox rows', ...r }),
    oldestAge: gauge({ name: 'relay_outbox_oldest_age_seconds', help: 'Age of the oldest unpublished outbox row', ...r }),
    published: counter({ name: 'relay_published_total', help: 'Outbox rows published and marked', ...r }),
    publishErrors: counter<'kind'>({
      name: 'relay_publish_errors_total',
      help: 'Failed batches (kafka or db)',
      labelNames: ['kind'],
      ...r,
    }),
    breakerState: gauge({ name: 'relay_breaker_state', help: 'Kafka circuit breaker: 0 closed, 1 half-open, 2 open', ...r }),
    batchSeconds: histogram({ name: 'relay_batch_seconds', help: 'One batch: send to broker ack (claim and mark run alongside)', ...r }),
    publishLag: histogram({
      name: 'relay_publish_lag_seconds',
      help: 'Outbox row created → acked by the broker',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      ...r,
    }),
    polls: counter<'result'>({
      name: 'relay_polls_total',
      help: 'Outbox polls by result (empty, partial, full)',
      labelNames: ['result'],
      ...r,
    }),
  };
}
export type RelayMetrics = ReturnType<typeof relayMetrics>;
