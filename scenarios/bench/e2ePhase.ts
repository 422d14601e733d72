// End-to-end visibility latency at half of the measured maximum command rate: evenly paced
// registrations through the client-command proxy (as a client sees it); a sample of the accepted
// ones is watched on the query API until its version is served.
import { TOPIC } from '../../system/shared/events.ts';
import { readTopic } from '../observe/readTopic.ts';
import { e2eStages, type Stamps } from './e2eStages.ts';
import { figure } from './goals.ts';
import { pacedLoad } from './pacedLoad.ts';
import { sampleEvery } from './pacing.ts';
import { halfMaxRate } from './halfMaxRate.ts';
import type { PhaseResult, Sizes } from './phase.ts';
import { summarize } from './stats.ts';
import { visibilityProbe } from './visibility.ts';
import { adminConnection, readMetric, type Log, type Running } from './systemControl.ts';

const PROBES_PER_SECOND = 25;
const POLL_MS = 2;

export async function e2ePhase(env: Running, s: Sizes, maxRate: number | undefined, log: Log): Promise<PhaseResult> {
  const notes: string[] = [];
  const { rate, max } = await halfMaxRate(env, s, maxRate, notes);
  const every = sampleEvery(rate, PROBES_PER_SECOND);
  const probe = visibilityProbe(env.system.queryApi, { pollMs: POLL_MS, timeoutMs: 10_000, maxInFlight: 64 });
  const lag = 'faultline_relay_publish_lag_seconds';
  const lagBefore = [await readMetric(env.system.relay, `${lag}_sum`), await readMetric(env.system.relay, `${lag}_count`)] as const;
  const meansBefore = await stageMetrics(env);
  let i = 0;
  const load = await pacedLoad({
    url: env.system.commandService,
    rate,
    durationS: s.e2eSeconds,
    connections: s.connections,
    onAccepted: (a) => {
      if (i++ % every === 0) probe.watch(a.id, a.version, a.at, a.sentAt);
    },
  });
  const { latenciesMs, seen, timedOut, skipped } = await probe.finish();
  const lat = summarize(latenciesMs);
  const lagAfter = [await readMetric(env.system.relay, `${lag}_sum`), await readMetric(env.system.relay, `${lag}_count`)] as const;
  const relayMeanMs = lagAfter[1] > lagBefore[1] ? ((lagAfter[0] - lagBefore[0]) / (lagAfter[1] - lagBefore[1])) * 1000 : Number.NaN;
  const meansAfter = await stageMetrics(env);
  const epoch = (t: number) => performance.timeOrigin + t;
  const samples = seen.map((x) => ({ id: x.id, sentAtMs: epoch(x.sentAt), ackedAtMs: epoch(x.ackedAt), visibleAtMs: epoch(x.visibleAt) }));
  const stages = e2eStages(
    samples,
    await readStamps(
      env,
      samples.map((x) => x.id),
    ),
  );
  const meanOf = (k: keyof typeof meansAfter) =>
    meansAfter[k].n > meansBefore[k].n
      ? ((meansAfter[k].sum - meansBefore[k].sum) / (meansAfter[k].n - meansBefore[k].n)) * 1000
      : Number.NaN;
  const f = (n: number) => n.toFixed(1);
  log(
    `  p50 path (ms): command ${f(stages.stages.command.p50)}; 201 → visible ${f(stages.stages.visible.p50)} = relay pickup ${f(stages.stages.relayPickup.p50)}` +
      ` + send → applied ${f(stages.stages.sendToApplied.p50)} (relay send → ack mean ${f(meanOf('relaySend'))}, projector per record mean ${f(meanOf('projectorApply'))})` +
      ` + applied → visible ${f(stages.stages.appliedToVisible.p50)}`,
  );
  log(`  e2e at ${rate}/s (half of ${max}/s): p50 ${lat.p50.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms over ${lat.count} probes`);
  if (timedOut) notes.push(`${timedOut} sampled commands were not visible within 10 s`);
  if (load.failed) notes.push(`${load.failed} of ${load.sent} commands were not accepted`);
  return {
    figures: [
      figure({ name: `e2e visibility p50 @ ${rate}/s`, value: lat.p50, unit: 'ms', goal: { kind: 'max-value', target: 10, unit: 'ms' } }),
      figure({ name: `e2e visibility p99 @ ${rate}/s`, value: lat.p99, unit: 'ms', goal: { kind: 'max-value', target: 50, unit: 'ms' } }),
    ],
    breakdown: {
      maxRate: max,
      rate,
      load,
      // Resolution: the poll period plus one query-API round trip.
      probes: { sampledEvery: every, pollMs: POLL_MS, ...lat, timedOut, skipped },
      // Where the time goes: outbox row created → broker ack (relay metric, all commands), the rest is projector + query.
      meanMs: {
        visible: latenciesMs.reduce((a, b) => a + b, 0) / Math.max(1, latenciesMs.length),
        outboxToKafkaAck: relayMeanMs,
        relaySendToAck: meanOf('relaySend'),
        projectorPerRecord: meanOf('projectorApply'),
      },
      // Per sampled command, from the stamps the path leaves (e2eStages.ts): mean, p50, p99 of each stage.
      stages,
    },
    notes,
  };
}

/** Sum and count of the histograms that split send → applied: the relay's send → ack, the projector's per-record handling. */
async function stageMetrics(env: Running) {
  const h = async (url: string, name: string) => ({ sum: await readMetric(url, `${name}_sum`), n: await readMetric(url, `${name}_count`) });
  return {
    relaySend: await h(env.system.relay, 'faultline_relay_batch_seconds'),
    projectorApply: await h(env.system.projector, 'faultline_projector_apply_seconds'),
  };
}

/** Epoch ms of each stream's first outbox insert, first record on the topic and first apply. */
async function readStamps(env: Running, ids: readonly string[]): Promise<Stamps> {
  const stamps: Stamps = { outboxCreatedMs: new Map(), recordMs: new Map(), appliedMs: new Map() };
  if (ids.length === 0) return stamps;
  const byStream = async (db: 'commands' | 'queries', sql: string) => {
    const conn = await adminConnection(env, db, db);
    try {
      const [rows] = await conn.query(sql, [ids]);
      return new Map((rows as Array<{ id: string; t: string | number }>).map((r) => [String(r.id), Number(r.t) * 1000]));
    } finally {
      await conn.end();
    }
  };
  const outbox = await byStream(
    'commands',
    'SELECT stream_id AS id, UNIX_TIMESTAMP(MIN(created_at)) AS t FROM outbox WHERE stream_id IN (?) GROUP BY stream_id',
  );
  const applied = await byStream(
    'queries',
    'SELECT stream_id AS id, UNIX_TIMESTAMP(MIN(applied_at)) AS t FROM applied_events WHERE stream_id IN (?) GROUP BY stream_id',
  );
  const wanted = new Set(ids);
  const records = new Map<string, number>();
  for (const r of await readTopic(env, TOPIC)) {
    if (r.key !== null && wanted.has(r.key) && !records.has(r.key)) records.set(r.key, Number(r.timestamp));
  }
  return { outboxCreatedMs: outbox, recordMs: records, appliedMs: applied };
}
