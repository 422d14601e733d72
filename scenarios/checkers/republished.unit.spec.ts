import { describe, expect, it } from 'vitest';
import { HEADERS } from '../../system/shared/events.ts';
import type { FaultTrait } from '../history/types.ts';
import { checkRepublished } from './republished.ts';
import { BASIC, healthyRun, wall, type TestInput } from './testing.ts';

const T0 = Date.parse(wall(0));

/** A healthy run whose first event ('e-a-1', first sent at T0+4) is on the topic a second time, at `againAt`. */
function sentTwice(againAt = 5_000): TestInput {
  const input = healthyRun(BASIC);
  const first = input.topics.events[0]!;
  input.topics.events.push({ ...first, offset: String(input.topics.events.length), timestamp: String(T0 + againAt) });
  return input;
}

/** The traits the nemesis records with each kind used here (as their families declare them). */
const TRAITS: Record<string, FaultTrait[]> = {
  kill: ['crashes-process', 'dies-at-start'],
  restart: ['dies-at-start'],
  'crash-point': ['crashes-process', 'crash-point'],
  'kill-leader': ['acts-on-brokers'],
  'kill-controller': ['acts-on-brokers'],
  'cut-replication': ['acts-on-brokers'],
  duplicate: ['copies-records', 'republishes-rows'],
  stale: ['copies-records'],
  down: ['on-link'],
  latency: ['on-link'],
};

const window = (fault: string, target: string, from: number, to: number | null, faultId = 0) => ({
  faultId,
  fault,
  target,
  ...(TRAITS[fault] ? { traits: TRAITS[fault] } : {}),
  start: { ms: from, wall: wall(from) },
  stop: to === null ? null : { ms: to, wall: wall(to) },
});

describe('republished', () => {
  it('passes a run with each event on the topic once', () => {
    expect(checkRepublished(healthyRun(BASIC)).valid).toBe(true);
  });

  it('flags a second copy when no fault is anywhere near the first send', () => {
    const r = checkRepublished(sentTwice());
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([
      expect.objectContaining({ name: 'republished', eventId: 'e-a-1', data: expect.objectContaining({ copies: 2 }) }),
    ]);
  });

  it('excuses rows sent just before a relay kill, not those sent long before it', () => {
    const near = sentTwice();
    near.faults = [window('kill', 'relay', 500, 2_000)];
    expect(checkRepublished(near).valid).toBe(true);
    const far = sentTwice();
    far.faults = [window('kill', 'relay', 2_000, 3_500)];
    expect(checkRepublished(far).valid).toBe(false);
  });

  it('excuses by the moment a crash point fired, not by its whole window', () => {
    const input = sentTwice();
    input.faults = [window('crash-point', 'relay', 0, 5_000)];
    input.crashes = [
      {
        type: 'crash',
        point: 'relay.after-send-before-mark',
        target: 'relay',
        pass: 2,
        firedAt: T0 + 3_000,
        t: { ms: 3_100, wall: wall(3_100) },
      },
    ];
    expect(checkRepublished(input).valid).toBe(false);
    input.crashes[0]!.firedAt = T0 + 300;
    expect(checkRepublished(input).valid).toBe(true);
  });

  it('excuses no copy in the cdc modes: Kafka Connect publishes, and the guarantee matrix says which mode may show them', () => {
    for (const publishMode of ['cdc', 'cdc-eos'] as const) {
      const input = { ...sentTwice(), publishMode };
      input.faults = [window('kill', 'connect', 0, 3_000), window('down', 'connect-kafka', 0, 6_000, 1)];
      expect(checkRepublished(input).valid, publishMode).toBe(false);
    }
    const outbox = { ...sentTwice(), publishMode: 'outbox' as const };
    outbox.faults = [window('down', 'relay-kafka', 0, 6_000)];
    expect(checkRepublished(outbox).valid).toBe(true);
  });

  it('excuses the whole window of a fault on the publishing path, but not one on the read side', () => {
    const onPath = sentTwice();
    onPath.faults = [window('down', 'relay-kafka', 0, 4_000)];
    expect(checkRepublished(onPath).valid).toBe(true);
    const offPath = sentTwice();
    offPath.faults = [window('down', 'projector-kafka', 0, 4_000), window('lost-ack', 'client-command', 0, 4_000, 1)];
    expect(checkRepublished(offPath).valid).toBe(false);
  });

  it('excuses from when the nemesis began applying a fault, not from when applying ended', () => {
    // A restart-leader holds the publisher's link, elects leaders and restarts a broker before its
    // start is recorded: the first copy (T0+4 ms) is sent while it is being applied.
    const applied = window('down', 'relay-kafka', 2_000, 4_000);
    const late = sentTwice();
    late.faults = [applied];
    expect(checkRepublished(late).valid).toBe(false);
    const began = sentTwice();
    began.faults = [{ ...applied, began: { ms: 0, wall: wall(0) } }];
    expect(checkRepublished(began).valid).toBe(true);
  });

  it('excuses a broker fault picked by its topic (a leader killed, replication cut), not a poison record produced onto it', () => {
    for (const fault of ['kill-leader', 'kill-controller', 'cut-replication']) {
      const input = sentTwice();
      input.faults = [window(fault, 'user-events', 0, 4_000)];
      expect(checkRepublished(input).valid, fault).toBe(true);
    }
    const poison = sentTwice();
    poison.faults = [window('poison', 'user-events', 0, 4_000)];
    expect(checkRepublished(poison).valid).toBe(false);
  });

  it('excuses a broker fault until the sampled ISR is whole again, not after', () => {
    const fault = window('kill-controller', 'kafka', 0, 3_000);
    const isr = (ms: number, size: number) => ({
      ms,
      partitions: [0, 1, 2].map((partition) => ({ partition, leader: 2, isr: [2, 3, 1].slice(0, size) })),
    });
    const cluster = [isr(0, 3), isr(2_000, 1), isr(4_000, 1), isr(6_000, 3)];
    const whileDegraded = sentTwice();
    whileDegraded.topics.events[0]!.timestamp = String(T0 + 5_000); // after the heal, before the ISR was whole
    whileDegraded.faults = [fault];
    expect(checkRepublished(whileDegraded).valid).toBe(false); // no samples: the window ends at the heal
    whileDegraded.cluster = cluster;
    expect(checkRepublished(whileDegraded).valid).toBe(true);
    const afterSettled = sentTwice(9_000);
    afterSettled.topics.events[0]!.timestamp = String(T0 + 7_500);
    afterSettled.faults = [fault];
    afterSettled.cluster = cluster;
    expect(checkRepublished(afterSettled).valid).toBe(false);
    const neverSettled = { ...afterSettled, cluster: cluster.slice(0, 3) };
    expect(checkRepublished(neverSettled).valid).toBe(true);
    // A plain kill of broker 2 (not a role fault) is held to the same settling.
    const secondBroker = { ...whileDegraded, faults: [window('kill', 'kafka-2', 0, 3_000)] };
    expect(checkRepublished(secondBroker).valid).toBe(true);
  });

  it('does not take a killed broker still listed in the ISR right after the heal for a settled cluster', () => {
    // The dead broker stays in the ISR until its session times out, then drops out; back at 20 s.
    const isr = (ms: number, size: number) => ({ ms, partitions: [{ partition: 0, leader: 2, isr: [2, 3, 1].slice(0, size) }] });
    const input = sentTwice(30_000);
    input.topics.events[0]!.timestamp = String(T0 + 8_000);
    input.faults = [window('kill-controller', 'kafka', 0, 2_000)];
    input.cluster = [isr(0, 3), isr(2_500, 3), isr(6_000, 2), isr(20_000, 3), isr(31_000, 3)];
    expect(checkRepublished(input).valid).toBe(true);
    input.topics.events[0]!.timestamp = String(T0 + 21_000); // after the ISR was whole again for good
    expect(checkRepublished(input).valid).toBe(false);
  });

  it('allows one extra copy per row the nemesis marked unpublished, and no more', () => {
    const input = sentTwice();
    const dup = {
      type: 'inject' as const,
      what: 'duplicate' as const,
      topic: 'user-events',
      partition: -1,
      offset: '-1',
      eventId: 'e-a-1',
      t: { ms: 1, wall: wall(1) },
    };
    input.injections = [dup];
    expect(checkRepublished(input).valid).toBe(true);
    const first = input.topics.events[0]!;
    input.topics.events.push({ ...first, offset: '99', timestamp: String(T0 + 6_000) });
    expect(checkRepublished(input).valid).toBe(false);
  });

  it('ignores copies the nemesis put on the topic itself (stale redelivery) and records of no written event', () => {
    const input = sentTwice();
    const again = input.topics.events.at(-1)!;
    input.injections = [
      {
        type: 'inject',
        what: 'stale',
        topic: 'user-events',
        partition: again.partition,
        offset: again.offset,
        t: { ms: 1, wall: wall(1) },
      },
    ];
    input.topics.events.push({ ...again, offset: '77', headers: { ...again.headers, [HEADERS.eventId]: 'forged' } });
    input.topics.events.push({ ...again, offset: '78', headers: { ...again.headers, [HEADERS.eventId]: 'forged' } });
    expect(checkRepublished(input).valid).toBe(true);
  });
});
