// End-to-end visibility latency at half of the measured maximum command rate: evenly paced
// registrations through the client-command proxy (as a client sees it); a sample of the accepted
// ones is watched on the query API until its version is served.
import { runLoad } from '../load/runLoad.ts';
import { figure } from './goals.ts';
import { pacedLoad } from './pacedLoad.ts';
import { sampleEvery } from './pacing.ts';
import type { PhaseResult, Sizes } from './phase.ts';
import { summarize } from './stats.ts';
import { visibilityProbe } from './visibility.ts';
import { readMetric, type Log, type Running } from './systemControl.ts';

const PROBES_PER_SECOND = 25;
const POLL_MS = 2;

export async function e2ePhase(env: Running, s: Sizes, maxRate: number | undefined, log: Log): Promise<PhaseResult> {
  const notes: string[] = [];
  let max = maxRate;
  if (max === undefined || !(max > 0)) {
    max = (await runLoad({ url: env.system.commandServiceDirect, durationS: 3, connections: s.connections })).acceptedPerSecond;
    notes.push(`maximum rate measured by a 3 s probe (${max}/s): the write phase did not run`);
  }
  const rate = Math.max(1, Math.floor(max / 2));
  const every = sampleEvery(rate, PROBES_PER_SECOND);
  const probe = visibilityProbe(env.system.queryApi, { pollMs: POLL_MS, timeoutMs: 10_000, maxInFlight: 64 });
  const lag = 'faultline_relay_publish_lag_seconds';
  const lagBefore = [await readMetric(env.system.relay, `${lag}_sum`), await readMetric(env.system.relay, `${lag}_count`)] as const;
  let i = 0;
  const load = await pacedLoad({
    url: env.system.commandService,
    rate,
    durationS: s.e2eSeconds,
    connections: s.connections,
    onAccepted: (a) => {
      if (i++ % every === 0) probe.watch(a.id, a.version, a.at);
    },
  });
  const { latenciesMs, timedOut, skipped } = await probe.finish();
  const lat = summarize(latenciesMs);
  const lagAfter = [await readMetric(env.system.relay, `${lag}_sum`), await readMetric(env.system.relay, `${lag}_count`)] as const;
  const relayMeanMs = lagAfter[1] > lagBefore[1] ? ((lagAfter[0] - lagBefore[0]) / (lagAfter[1] - lagBefore[1])) * 1000 : Number.NaN;
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
      meanMs: { visible: latenciesMs.reduce((a, b) => a + b, 0) / Math.max(1, latenciesMs.length), outboxToKafkaAck: relayMeanMs },
    },
    notes,
  };
}
