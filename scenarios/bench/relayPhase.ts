// Relay: N outbox rows written while the relay is stopped (and the projector too, so it takes no
// CPU), then the relay started; published events/s from the rows' own published_at stamps, vs
// the fastest raw produce rate measured with the relay's producer settings (kafkajs, and each
// candidate client of the clients comparison: bestRawProduce.ts).
import { EVENT_COLUMNS, benchEvents, chunks, eventRow } from './fixtures.ts';
import { figure } from './goals.ts';
import type { PhaseResult, Sizes } from './phase.ts';
import { bestRawProduce } from './bestRawProduce.ts';
import { rawProduceBaseline } from './rawProduce.ts';
import { perSecond } from './stats.ts';
import { adminConnection, countRows, readMetric, startProcess, stopProcess, waitUntil, type Log, type Running } from './systemControl.ts';

const RELAY_BATCH_SIZE = 500; // relay default (RELAY_BATCH_SIZE); the system is started with defaults
// The batch size the relay used before its default grew: kept as a second baseline, so runs
// before and after that change can be compared.
const OLD_BATCH_SIZE = 100;

/** The raw kafkajs produce rates with the relay's producer settings: direct, through the proxy, and at the old batch size. */
async function rawBaselines(env: Running, s: Sizes, log: Log) {
  const rf = Math.min(env.kafka.brokers, 3);
  const common = {
    bootstrapForAdmin: env.kafka.internal,
    sasl: env.kafka.sasl,
    replicationFactor: rf,
    events: s.relayEvents,
    batchSize: RELAY_BATCH_SIZE,
  };
  const raw = await rawProduceBaseline({ ...common, brokers: env.kafka.internal });
  log(`  raw kafkajs produce (direct): ${raw.perSecond.toFixed(0)} events/s`);
  const best = await bestRawProduce({ ...common, brokers: env.kafka.internal }, { client: 'kafkajs', perSecond: raw.perSecond }, log);
  const rawProxy = await rawProduceBaseline({ ...common, brokers: env.kafka.relay });
  log(`  raw kafkajs produce (through the relay-kafka proxy): ${rawProxy.perSecond.toFixed(0)} events/s`);
  // A secondary baseline: its failure (a fresh topic's leader not known yet, on a loaded machine) is noted, not fatal.
  const rawSmall = await rawProduceBaseline({ ...common, batchSize: OLD_BATCH_SIZE, brokers: env.kafka.internal }).catch(
    (err: unknown) => ({
      error: err instanceof Error ? err.message : String(err),
    }),
  );
  if ('perSecond' in rawSmall) log(`  raw kafkajs produce (direct, batch ${OLD_BATCH_SIZE}): ${rawSmall.perSecond.toFixed(0)} events/s`);
  return { raw, rawProxy, rawSmall, best };
}

export async function relayPhase(env: Running, s: Sizes, log: Log): Promise<PhaseResult> {
  await Promise.all([stopProcess('relay'), stopProcess('projector')]);
  const conn = await adminConnection(env, 'commands', 'commands');
  try {
    for (const batch of chunks(benchEvents(s.relayEvents), 1000)) {
      await conn.query(`INSERT INTO outbox ${EVENT_COLUMNS} VALUES ?`, [batch.map(eventRow)]);
    }
    log(`  outbox pre-filled with ${s.relayEvents} rows`);
    const t0 = performance.now();
    await startProcess('relay');
    const readyMs = performance.now() - t0;
    await waitUntil(
      'outbox backlog 0',
      async () => (await countRows(conn, 'SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL')) === 0,
      {
        timeoutMs: 60_000 + s.relayEvents * 20,
        intervalMs: 100,
      },
    );
    const wallMs = performance.now() - t0;
    // The rows' own stamps: first batch marked → last batch marked; the first batch's rows precede the window.
    const [rows] = await conn.query(
      `SELECT TIMESTAMPDIFF(MICROSECOND, MIN(published_at), MAX(published_at)) AS us,
              SUM(published_at = (SELECT MIN(published_at) FROM outbox)) AS first FROM outbox`,
    );
    const r = (rows as Array<{ us: number | string; first: number | string }>)[0]!;
    const windowMs = Number(r.us) / 1000;
    const relayRate = perSecond(s.relayEvents - Number(r.first), windowMs);
    const batchSum = await readMetric(env.system.relay, 'faultline_relay_batch_seconds_sum');
    const batchN = await readMetric(env.system.relay, 'faultline_relay_batch_seconds_count');
    log(`  relay: ${relayRate.toFixed(0)} events/s (backlog 0 after ${(wallMs / 1000).toFixed(1)} s incl. start)`);

    const { raw, rawProxy, rawSmall, best } = await rawBaselines(env, s, log);

    const relayBatchMs = batchN > 0 ? (batchSum / batchN) * 1000 : Number.NaN;
    return {
      figures: [
        figure({
          name: 'relay publish',
          value: relayRate,
          unit: 'events/s',
          // The fastest client measured: a faster system client must not flatter the ratio.
          baseline: { name: `raw ${best.client}, batch ${RELAY_BATCH_SIZE}`, value: best.perSecond },
          goal: { kind: 'min-ratio', target: 0.7 },
        }),
      ],
      breakdown: {
        events: s.relayEvents,
        batchSize: RELAY_BATCH_SIZE,
        relay: {
          perSecond: relayRate,
          publishWindowMs: windowMs,
          startToReadyMs: readyMs,
          startToBacklogZeroMs: wallMs,
          meanBatchMs: relayBatchMs,
        },
        rawDirect: raw,
        rawBest: best,
        rawThroughRelayProxy: rawProxy,
        rawDirectBatch100:
          'perSecond' in rawSmall ? { ...rawSmall, batchSize: OLD_BATCH_SIZE, relayOverRaw: relayRate / rawSmall.perSecond } : rawSmall,
        // relay_batch_seconds is the send alone (claims and marks run alongside it); compare it with the raw send.
        meanBatchMs: {
          relaySend: relayBatchMs,
          rawSendThroughProxy: rawProxy.meanBatchMs,
          relayOverRawSend: relayBatchMs - rawProxy.meanBatchMs,
        },
      },
      notes: [],
    };
  } finally {
    await conn.end();
  }
}
