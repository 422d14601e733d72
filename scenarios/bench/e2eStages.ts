// Where an e2e visibility latency goes, per sampled command, from the stamps the path leaves: the
// client's send, 201 and first successful read; the outbox row's insert time; the Kafka record's
// timestamp (the relay's producer stamps it when it builds the send); the projector's applied_at.
// All are read from one host's clock. Pure.
import { summarize } from './stats.ts';

export interface Sample {
  id: string; // the stream (user) id
  sentAtMs: number; // epoch ms
  ackedAtMs: number; // the 201
  visibleAtMs: number; // the query API served the version
}

export interface Stamps {
  outboxCreatedMs: ReadonlyMap<string, number>; // insert, inside the command's transaction
  recordMs: ReadonlyMap<string, number>; // record timestamp: the relay built the send
  appliedMs: ReadonlyMap<string, number>; // the projector's apply statement, inside its transaction
}

/** Stage → milliseconds; `visible` = 201 → read, the e2e figure, = relayPickup + sendToApplied + appliedToVisible. */
export const STAGES = ['command', 'insertToSend', 'relayPickup', 'sendToApplied', 'appliedToVisible', 'visible'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageSummary {
  mean: number;
  p50: number;
  p99: number;
}

export function e2eStages(
  samples: readonly Sample[],
  s: Stamps,
): { counted: number; missing: number; stages: Record<Stage, StageSummary> } {
  const values: Record<Stage, number[]> = Object.fromEntries(STAGES.map((k) => [k, [] as number[]])) as Record<Stage, number[]>;
  let missing = 0;
  for (const x of samples) {
    const created = s.outboxCreatedMs.get(x.id);
    const record = s.recordMs.get(x.id);
    const applied = s.appliedMs.get(x.id);
    if (created === undefined || record === undefined || applied === undefined) {
      missing++;
      continue;
    }
    values.command.push(x.ackedAtMs - x.sentAtMs);
    values.insertToSend.push(record - created);
    // May be negative: the relay can claim a committed row before the 201 reaches the client.
    values.relayPickup.push(record - x.ackedAtMs);
    values.sendToApplied.push(applied - record);
    values.appliedToVisible.push(x.visibleAtMs - applied);
    values.visible.push(x.visibleAtMs - x.ackedAtMs);
  }
  const stages = Object.fromEntries(
    STAGES.map((k) => {
      const v = values[k];
      const sum = summarize(v);
      return [k, { mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN, p50: sum.p50, p99: sum.p99 }];
    }),
  ) as Record<Stage, StageSummary>;
  return { counted: values.visible.length, missing, stages };
}
