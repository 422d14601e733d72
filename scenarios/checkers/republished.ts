import { HEADERS } from '../../system/shared/events.ts';
import type { FaultTrait, FaultWindow } from '../history/types.ts';
import { result, type Anomaly, type CheckInput, type CheckResult, type ClusterSample, type TopicRecord } from './types.ts';

/**
 * How long after its first copy was sent a healthy publisher may still not have recorded it as
 * published (send ack + one mark transaction, on a loaded machine). A death closer than this to
 * the first copy excuses a re-send.
 */
export const DEFAULT_MARK_BOUND_MS = 750;

/** Targets whose faults cannot make the publisher send a row twice (the client, the read side, topic injections, recorded apart). */
const OFF_PUBLISH_PATH =
  /^(client-command|query-db|queries-db|query-api|projector(#\d+)?|projector-kafka|projector-db|user-events(\.dlq)?)$/;
const RELAY = /^relay(#\d+)?$/;
/** Broker process targets: 'kafka' (broker 1), 'kafka-2', … */
const BROKER_TARGET = /^kafka(-\d+)?$/;

/**
 * How long the ISR must stay whole to count as settled: longer than a killed broker's session
 * timeout (9 s by default), during which the dead broker is still listed, and still in the ISR.
 */
export const SETTLE_HOLD_MS = 10_000;

/**
 * When the cluster was whole again after a broker fault healed (ms, history clock): the first
 * sample at or after the heal from which every partition's ISR stays as large as any seen in the
 * run for SETTLE_HOLD_MS. Until then a broker is still away or catching up, acks=all sends fail or
 * come back ambiguous, and a re-send is expected. Null when the cluster never settled while sampled.
 */
function settledAfter(samples: readonly ClusterSample[], healMs: number): number | null {
  const full = Math.max(0, ...samples.flatMap((s) => s.partitions.map((p) => p.isr.length)));
  const whole = (s: ClusterSample) => !s.error && s.partitions.length > 0 && s.partitions.every((p) => p.isr.length >= full);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (s.ms < healMs || !whole(s)) continue;
    const broken = samples.slice(i + 1).find((t) => t.ms <= s.ms + SETTLE_HOLD_MS && !whole(t));
    if (!broken) return s.ms;
  }
  return null;
}

interface Interval {
  from: number; // wall ms
  to: number;
  why: string;
}

const ms = (iso: string) => Date.parse(iso);
/** The window's kind declared the trait (histories recorded before kinds declared traits have none). */
const has = (f: FaultWindow, trait: FaultTrait) => f.traits?.includes(trait) ?? false;

/**
 * Whether a fault may make the publisher send a row again: a relay's death, anything else on the
 * publishing path (links, brokers, the write database, a pause). Not the client (its retries carry
 * one idempotency key), the read side, or a re-publish on purpose (recorded per row, apart).
 */
export function mayResend(target: string, traits: readonly FaultTrait[]): boolean {
  if (traits.includes('republishes-rows')) return false;
  return !OFF_PUBLISH_PATH.test(target) || traits.includes('acts-on-brokers');
}

/**
 * When a first copy may legitimately be followed by another. A relay's death (kill, crash point)
 * excuses rows sent just before it (their mark may not have committed); any other fault on the
 * publishing path (links, broker, write database, a pause, anything unknown) excuses its whole
 * window, widened by the bound.
 */
function excuses(input: CheckInput, boundMs: number): Interval[] {
  const out: Interval[] = [];
  for (const f of input.faults) {
    // A re-publish on purpose is recorded per row; broker faults name the topic whose partitions
    // they pick, yet they stall or fail the publisher's sends.
    if (!mayResend(f.target, f.traits ?? [])) continue;
    const start = ms(f.start.wall);
    // A fault may act while it is being applied (a held link before a restart): from then on.
    const from = ms((f.began ?? f.start).wall);
    const stop = f.stop ? ms(f.stop.wall) : Number.POSITIVE_INFINITY;
    if (RELAY.test(f.target) && has(f, 'dies-at-start')) {
      out.push({ from: start - boundMs, to: start, why: `${f.fault} ${f.target}` });
    } else if (RELAY.test(f.target) && has(f, 'crash-point')) {
      for (const c of deathsIn(input, f)) out.push({ from: c - boundMs, to: c, why: `crash point on ${f.target}` });
    } else if (f.stop && (has(f, 'acts-on-brokers') || BROKER_TARGET.test(f.target)) && input.cluster?.length) {
      // Wall time of the history clock's 0, from the window's own pair of clocks.
      const origin = start - f.start.ms;
      const settled = settledAfter(input.cluster, f.stop.ms);
      const to = settled === null ? Number.POSITIVE_INFINITY : Math.max(stop, origin + settled);
      out.push({ from: from - boundMs, to: to + boundMs, why: `${f.fault} ${f.target}, until the ISR was whole again` });
    } else {
      out.push({ from: from - boundMs, to: stop + boundMs, why: `${f.fault} ${f.target}` });
    }
  }
  return out;
}

/** The moments a crash-point window's target died (its own clock where recorded, else when noticed). */
function deathsIn(input: CheckInput, f: FaultWindow): number[] {
  const start = ms(f.start.wall);
  const stop = f.stop ? ms(f.stop.wall) : Number.POSITIVE_INFINITY;
  return (input.crashes ?? [])
    .filter((c) => c.target === f.target && ms(c.t.wall) >= start && ms(c.t.wall) <= stop + 1_000)
    .map((c) => c.firedAt ?? ms(c.t.wall));
}

/** Records of the run's own events, by event id, minus the copies the nemesis put there itself. */
function copiesByEvent(input: CheckInput): Map<string, TopicRecord[]> {
  const written = new Set(input.write.events.map((e) => e.eventId));
  const injectedAt = new Set(
    (input.injections ?? []).filter((i) => i.what !== 'duplicate' && i.partition >= 0).map((i) => `${i.partition}@${i.offset}`),
  );
  const byEvent = new Map<string, TopicRecord[]>();
  for (const r of input.topics.events) {
    const id = r.headers[HEADERS.eventId];
    if (id === undefined || !written.has(id) || injectedAt.has(`${r.partition}@${r.offset}`)) continue;
    byEvent.set(id, [...(byEvent.get(id) ?? []), r]);
  }
  return byEvent;
}

/**
 * `republished`: an event sits on the topic more often than its first publication plus what the
 * run's faults excuse. The outbox promises at-least-once publication, and the relay records each
 * acked row at once, so a second copy needs a cause: a re-publish the nemesis recorded, or a
 * fault on the publishing path around the first copy's send. Judged on the topic itself, so it
 * holds in every consume mode (the inbox hides a re-send from the read model). In the cdc modes no
 * fault excuses a copy (see below).
 */
export function checkRepublished(input: CheckInput, boundMs = DEFAULT_MARK_BOUND_MS): CheckResult {
  // Kafka Connect publishes in the cdc modes: every copy counts. Without exactly-once (cdc) the
  // guarantee matrix allows them; with it (cdc-eos) a copy is a broken promise, whatever the fault.
  const cdc = input.publishMode === 'cdc' || input.publishMode === 'cdc-eos';
  const intervals = cdc ? [] : excuses(input, boundMs);
  const allowance = new Map<string, number>();
  for (const i of input.injections ?? [])
    if (i.what === 'duplicate' && i.eventId !== undefined) allowance.set(i.eventId, (allowance.get(i.eventId) ?? 0) + 1);
  const anomalies: Anomaly[] = [];
  for (const [eventId, copies] of copiesByEvent(input)) {
    const extra = copies.length - 1 - (allowance.get(eventId) ?? 0);
    if (extra <= 0) continue;
    const times = copies.map((r) => Number(r.timestamp));
    if (times.some((t) => !Number.isFinite(t))) continue; // no send times: nothing to judge by
    const first = Math.min(...times);
    if (intervals.some((iv) => first >= iv.from && first <= iv.to)) continue;
    const streamId = copies[0]!.key ?? undefined;
    anomalies.push({
      name: 'republished',
      message: `event ${eventId} is on the topic ${copies.length} times (${copies.map((r) => `${r.partition}@${r.offset}`).join(', ')}); its first copy (${new Date(first).toISOString()}) is outside every publishing-path fault and relay death`,
      eventId,
      ...(streamId ? { streamId } : {}),
      data: { copies: copies.length, firstCopyAt: new Date(first).toISOString() },
    });
  }
  return result('republished', anomalies);
}
