// Projector catch-up: N events produced straight to the topic while the projector is stopped,
// then the projector started; applied events/s from the rows' own applied_at stamps, vs raw
// batched inserts of the same rows into the read DB. Breakdown: the same rows one transaction
// per event (the projector's unit of work), and the projector's mean time per record.
import { TOPIC } from '../../system/shared/events.ts';
import { createKafka, idempotentProducerConfig } from '../../system/shared/kafka.ts';
import { benchEvents, chunks, kafkaRecord } from './fixtures.ts';
import { figure } from './goals.ts';
import type { PhaseResult, Sizes } from './phase.ts';
import { rawBatchedApply, rawPerEventApply } from './rawProject.ts';
import { perSecond } from './stats.ts';
import { adminConnection, countRows, readMetric, startProcess, stopProcess, waitUntil, type Log, type Running } from './systemControl.ts';

const RAW_BATCH = 500;
const PROJECTOR_CONCURRENCY = 3; // PROJECTOR_CONCURRENCY default = the topic's partitions

/** The events on the topic, as the relay would publish them (idempotent, acks=all). */
async function fillTopic(env: Running, events: ReturnType<typeof benchEvents>): Promise<void> {
  const producer = createKafka({ brokers: env.kafka.internal, clientId: 'faultline-bench-fill', sasl: env.kafka.sasl }).producer(
    idempotentProducerConfig(),
  );
  await producer.connect();
  try {
    for (const batch of chunks(events, 1000)) await producer.send({ topic: TOPIC, acks: -1, messages: batch.map(kafkaRecord) });
  } finally {
    await producer.disconnect();
  }
}

export async function projectorPhase(env: Running, s: Sizes, log: Log): Promise<PhaseResult> {
  await Promise.all([stopProcess('relay'), stopProcess('projector')]);
  const events = benchEvents(s.projectorEvents);
  await fillTopic(env, events);
  log(`  topic pre-filled with ${events.length} events`);

  const conn = await adminConnection(env, 'queries', 'queries');
  let windowMs: number;
  let wallMs: number;
  let readyMs: number;
  try {
    const t0 = performance.now();
    await startProcess('projector');
    readyMs = performance.now() - t0;
    await waitUntil(
      `projector applied ${events.length}`,
      async () => (await readMetric(env.system.projector, 'faultline_projector_applied_total')) >= events.length,
      {
        timeoutMs: 120_000 + events.length * 20,
        intervalMs: 250,
      },
    );
    wallMs = performance.now() - t0;
    const applied = await countRows(conn, 'SELECT COUNT(*) AS n FROM applied_events');
    if (applied !== events.length) throw new Error(`projector: ${applied} rows in applied_events, expected ${events.length}`);
    const [rows] = await conn.query('SELECT TIMESTAMPDIFF(MICROSECOND, MIN(applied_at), MAX(applied_at)) AS us FROM applied_events');
    windowMs = Number((rows as Array<{ us: number | string }>)[0]!.us) / 1000;
  } finally {
    await conn.end();
  }
  const rate = perSecond(events.length - 1, windowMs);
  const applySum = await readMetric(env.system.projector, 'faultline_projector_apply_seconds_sum');
  const applyN = await readMetric(env.system.projector, 'faultline_projector_apply_seconds_count');
  log(`  projector: ${rate.toFixed(0)} events/s (caught up ${(wallMs / 1000).toFixed(1)} s after start)`);

  const raw = await rawBatchedApply(env, benchEvents(events.length), RAW_BATCH);
  log(`  raw batched inserts (${RAW_BATCH}/tx): ${raw.perSecond.toFixed(0)} events/s`);
  const perEventSample = Math.min(events.length, 3000);
  const perEvent = await rawPerEventApply(env, benchEvents(perEventSample), PROJECTOR_CONCURRENCY);
  log(
    `  raw one-transaction-per-event (${PROJECTOR_CONCURRENCY} conns, ${perEventSample} events): ${perEvent.perSecond.toFixed(0)} events/s`,
  );
  const perEventReads = await rawPerEventApply(env, benchEvents(perEventSample), PROJECTOR_CONCURRENCY, true);
  log(`  … plus the projector's five reads per event: ${perEventReads.perSecond.toFixed(0)} events/s`);

  const meanApplyMs = applyN > 0 ? (applySum / applyN) * 1000 : Number.NaN;
  return {
    figures: [
      figure({
        name: `projector catch-up (${events.length} events)`,
        value: rate,
        unit: 'events/s',
        baseline: { name: `raw batched inserts, ${RAW_BATCH}/tx`, value: raw.perSecond },
        goal: { kind: 'min-ratio', target: 0.8 },
      }),
    ],
    breakdown: {
      events: events.length,
      projector: {
        perSecond: rate,
        applyWindowMs: windowMs,
        startToReadyMs: readyMs,
        startToCaughtUpMs: wallMs,
        meanRecordMs: meanApplyMs,
        concurrency: PROJECTOR_CONCURRENCY,
      },
      rawBatched: { ...raw, batchSize: RAW_BATCH },
      rawOneTransactionPerEvent: { ...perEvent, connections: PROJECTOR_CONCURRENCY },
      rawOneTransactionPerEventWithReads: { ...perEventReads, connections: PROJECTOR_CONCURRENCY },
      // Per record and partition lane: the projector's time vs the same DB work done raw; the
      // remainder is Kafka (fetch, one offset commit per record), the proxy hop and Node.
      meanMsPerRecordPerLane: {
        projector: meanApplyMs,
        rawTransactionWithReads: perEventReads.perSecond > 0 ? (PROJECTOR_CONCURRENCY * 1000) / perEventReads.perSecond : null,
      },
    },
    notes: [],
  };
}
