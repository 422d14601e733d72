// The raw produce baseline is the fastest client measured, not the one the system happens to use:
// a faster system client must not make the relay's ratio look better against a slow baseline. The
// relay's records and settings (idempotent, acks=all, one batch of 500 at a time, warm-up first)
// produced by each maintained candidate client (installed on demand into the cache) to a fresh
// topic configured like the real one; a candidate that cannot be installed or fails is noted, and
// the baseline falls back to what did run.
import { createKafka } from '../../system/shared/kafka.ts';
import { topicConfig } from '../../system/shared/topics.ts';
import type { KafkaTarget } from './clients/clientApi.ts';
import { candidate, clientsInstallRoot } from './clients/clientsPhase.ts';
import { CANDIDATES } from './clients/pins.ts';
import { recordBatches } from './clients/records.ts';
import type { RawProduceOptions } from './rawProduce.ts';
import { perSecond } from './stats.ts';
import type { Log } from './systemControl.ts';

const WARMUP_BATCHES = 10;

export interface RawCandidate {
  client: string;
  perSecond?: number;
  error?: string;
}

export interface BestRaw {
  client: string;
  perSecond: number;
  candidates: RawCandidate[];
}

/** The best of `measured` (kafkajs, already run) and every candidate client. */
export async function bestRawProduce(o: RawProduceOptions, measured: RawCandidate & { perSecond: number }, log: Log): Promise<BestRaw> {
  const target: KafkaTarget = { brokers: o.brokers, sasl: o.sasl };
  const candidates: RawCandidate[] = [measured];
  const admin = createKafka({ brokers: o.bootstrapForAdmin, clientId: 'faultline-bench-raw-admin', sasl: o.sasl }).admin();
  await admin.connect();
  try {
    const batches = recordBatches(o.events, o.batchSize);
    const warmup = recordBatches(o.batchSize * WARMUP_BATCHES, o.batchSize);
    for (const c of CANDIDATES) {
      const { install, adapter } = await candidate(c, target, clientsInstallRoot(), log);
      if (!adapter) {
        candidates.push({ client: c.name, error: install.error ?? 'not loadable' });
        continue;
      }
      const topic = `faultline-bench-raw-${c.name}-${Date.now()}`;
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic, numPartitions: 3, replicationFactor: o.replicationFactor, configEntries: topicConfig(o.replicationFactor) }],
        });
        const r = await adapter.produceBatches(topic, warmup, batches);
        candidates.push({ client: `${c.name} ${c.version}`, perSecond: perSecond(r.records, r.ms) });
      } catch (err) {
        candidates.push({ client: c.name, error: err instanceof Error ? err.message : String(err) });
      } finally {
        await admin.deleteTopics({ topics: [topic], timeout: 30_000 }).catch(() => undefined);
      }
    }
  } finally {
    await admin.disconnect();
  }
  for (const c of candidates)
    log(`  raw produce, ${c.client}: ${c.perSecond === undefined ? `not measured: ${c.error}` : `${c.perSecond.toFixed(0)} events/s`}`);
  const best = pickBest(candidates);
  return { ...best, candidates };
}

/** The fastest candidate that ran. Pure. */
export function pickBest(candidates: readonly RawCandidate[]): { client: string; perSecond: number } {
  const ran = candidates.filter(
    (c): c is RawCandidate & { perSecond: number } => c.perSecond !== undefined && Number.isFinite(c.perSecond),
  );
  if (ran.length === 0) throw new Error('no raw produce baseline ran');
  return ran.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
}
