// Test support: a synthetic scenario folder's contents (history, samples, final state) to render
// a report from without running anything. 10 s of workload, a 3 s broker outage at 3–6 s, during
// which the outbox backlog and the consumer lag grow and throughput falls.
import type { FinalState } from '../../record/types.ts';
import type { Sample } from '../../record/types.ts';
import type { HistoryEntry } from '../../history/types.ts';
import type { ScenarioArtifacts } from './artifacts.ts';

const T0 = Date.parse('2026-11-28T12:00:00.000Z');
const t = (ms: number) => ({ ms, wall: new Date(T0 + ms).toISOString() });
const OUTAGE = { start: 3000, stop: 6000 };
const inOutage = (ms: number) => ms >= OUTAGE.start && ms < OUTAGE.stop;

/** Ops every 250 ms from 500 ms on; op 3 is u-1's rename to v2 (event e1), the one RUN says was lost. */
export function syntheticHistory(): HistoryEntry[] {
  const out: HistoryEntry[] = [
    { type: 'meta', scenario: 'broker-outage', configuration: { publish: 'outbox', consume: 'effectively-once' }, seed: 7, t: t(0) },
  ];
  for (let id = 0; id < 38; id++) {
    const at = 500 + id * 250;
    const userId = id === 3 || id === 0 ? 'u-1' : `u-${id + 10}`;
    const kind = id === 3 ? 'rename' : 'register';
    out.push({ type: 'invoke', id, process: id % 2, kind, userId, idempotencyKey: `k${id}`, t: t(at) });
    const latency = inOutage(at) ? 40 + (id % 5) * 10 : 5 + (id % 3);
    const version = id === 3 ? 2 : 1;
    out.push({
      type: 'complete',
      id,
      outcome: id % 9 === 8 ? 'fail' : 'ok',
      status: 201,
      version,
      eventId: id === 3 ? 'e1' : `e-${id}`,
      t: t(at + latency),
    });
    if (id === 10) out.push({ type: 'fault', phase: 'start', faultId: 0, fault: 'down', target: 'relay-kafka', t: t(OUTAGE.start) });
    if (id === 22) out.push({ type: 'fault', phase: 'stop', faultId: 0, fault: 'down', target: 'relay-kafka', t: t(OUTAGE.stop) });
  }
  return out;
}

/** Samples every 250 ms from the sampler's start (= history ms 500, the first invoke). */
export function syntheticSamples(): Sample[] {
  const samples: Sample[] = [];
  let accepted = 0;
  let published = 0;
  let applied = 0;
  let backlog = 0;
  for (let i = 0; i < 48; i++) {
    const ms = i * 250;
    const h = ms + 500;
    accepted += h < 10_000 ? 1 : 0;
    if (inOutage(h)) backlog += 1;
    else {
      published += backlog + 1;
      applied += backlog + 1;
      backlog = 0;
    }
    samples.push({
      ms,
      pids: { 'command-service': 100, relay: 101, projector: 102 },
      metrics: {
        'command-service': {
          'faultline_commands_total{command="RegisterUser",outcome="accepted",status="201"}': accepted,
          'faultline_commands_total{command="RegisterUser",outcome="rejected",status="409"}': 1,
        },
        relay: {
          faultline_relay_outbox_backlog: backlog,
          faultline_relay_outbox_oldest_age_seconds: backlog / 4,
          faultline_relay_published_total: published,
        },
        projector: {
          'faultline_projector_applied_total{mode="effectively-once",source="kafka"}': applied,
          'faultline_projector_lag{partition="0"}': inOutage(h) ? 2 : 0,
          'faultline_projector_lag{partition="1"}': inOutage(h) ? 1 : 0,
          'faultline_projector_dlq_total{exception="X"}': h >= OUTAGE.stop ? 1 : 0,
          faultline_projector_retries_total: inOutage(h) ? i : 12,
          faultline_projector_duplicates_skipped_total: 0,
        },
      },
    });
  }
  return samples;
}

/** u-1: v1 written, published, applied; v2 (e1) written but never published. */
export function syntheticFinalState(): FinalState {
  const wall = (ms: number) => new Date(T0 + ms).toISOString();
  return {
    write: {
      events: [
        { eventId: 'e-0', streamId: 'u-1', streamVersion: 1, type: 'UserRegistered', payload: {}, occurredAt: wall(503) },
        { eventId: 'e1', streamId: 'u-1', streamVersion: 2, type: 'UserRenamed', payload: {}, occurredAt: wall(1253) },
      ],
      users: [],
    },
    read: {
      users: [],
      applied: [{ eventId: 'e-0', streamId: 'u-1', streamVersion: 1, partition: 0, offset: '0', appliedAt: '2026-11-28 12:00:00.640000' }],
      parked: [],
    },
    topics: {
      events: [
        {
          partition: 0,
          offset: '0',
          key: 'u-1',
          headers: { 'event-id': 'e-0', 'stream-version': '1' },
          value: '{}',
          timestamp: String(T0 + 600),
        },
      ],
      dlq: [],
    },
  };
}

export function syntheticArtifacts(withFinal = true): ScenarioArtifacts {
  return {
    dir: '/synthetic',
    entries: syntheticHistory(),
    samples: syntheticSamples(),
    problems: [],
    ...(withFinal ? { final: syntheticFinalState() } : {}),
  };
}

export const NO_ARTIFACTS: ScenarioArtifacts = {
  dir: '/synthetic-empty',
  entries: [],
  samples: [],
  problems: ['history.jsonl missing', 'samples.json missing'],
};
