import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { InjectedRecord, InjectionEntry } from '../history/types.ts';
import { checkFuzzMishandled, claimsOf } from './fuzzMishandled.ts';
import { BASIC, healthyRun, wall, type TestInput } from './testing.ts';
import type { DeadLetterLogRow } from './types.ts';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const digest = (b: Buffer) => ({ length: b.length, sha256: createHash('sha256').update(b).digest('hex') });

const RECORD: InjectedRecord = {
  key: null,
  value: b64(Buffer.from([0xc3, 0x28])),
  headers: [
    ['x-rep', b64('first')],
    ['traceparent', null],
    ['x-rep', null],
    ['x-rep', b64(Buffer.from([0xff]))],
  ],
};

const fuzz = (
  offset: string,
  record = RECORD,
  what: InjectionEntry['what'] = 'fuzz',
  extra: Partial<InjectionEntry> = {},
): InjectionEntry => ({
  type: 'inject',
  what,
  topic: 'user-events',
  partition: 1,
  offset,
  fuzzId: `7/${offset}`,
  shape: 'test record',
  record,
  t: { ms: 100, wall: wall(100) },
  ...extra,
});

/** The dead letter a correct projector stores for RECORD at `offset`. */
const exact = (offset: string, id = 1): DeadLetterLogRow => ({
  id,
  streamId: null,
  eventId: null,
  streamVersion: null,
  status: 'open',
  blocksStream: true,
  createdAt: wall(200),
  resolvedAt: null,
  topic: 'user-events',
  partition: 1,
  offset,
  key: null,
  value: digest(Buffer.from([0xc3, 0x28])),
  headers: { 'x-rep': [b64('first'), null, b64(Buffer.from([0xff]))], traceparent: null },
});

/** The dead-letter topic's copy of the record at `offset` (its decoded original position). */
const topicCopy = (offset: string) => ({
  partition: 1,
  offset: `9${offset}`,
  key: null,
  value: null,
  headers: {},
  dlt: { originalTopic: 'user-events', originalPartition: 1, originalOffset: offset },
});

function run(deadLetters: DeadLetterLogRow[], injections = [fuzz('40')]): TestInput {
  const input = healthyRun(BASIC);
  input.injections = injections;
  input.read.deadLetters = deadLetters;
  input.topics.dlq = deadLetters.map((d) => topicCopy(d.offset!));
  input.consumeMode = 'effectively-once';
  return input;
}

describe('fuzz-mishandled', () => {
  it('passes when each fuzzed record is dead-lettered with exactly its key, value and headers (discarded ones too)', () => {
    expect(checkFuzzMishandled(run([exact('40')]))).toMatchObject({ valid: true });
    expect(checkFuzzMishandled(run([{ ...exact('40'), status: 'discarded', resolvedAt: wall(300) }]))).toMatchObject({ valid: true });
  });

  it('fails for a record found in no dead letter, naming it and its bytes', () => {
    const r = checkFuzzMishandled(run([exact('41')]));
    expect(r.valid).toBe(false);
    expect(r.anomalies[0]!.message).toMatch(/7\/40 at user-events\/1@40 .*not in dead_letters/);
    expect(r.anomalies[0]!.data).toMatchObject({ fuzzId: '7/40', record: { key: null, value: RECORD.value, headers: RECORD.headers } });
  });

  it('fails for a null header value stored as empty, a repeated name cut to its last value, an extra header', () => {
    const nullAsEmpty = { ...exact('40'), headers: { 'x-rep': [b64('first'), '', b64(Buffer.from([0xff]))], traceparent: '' } };
    const lastWins = { ...exact('40'), headers: { 'x-rep': b64(Buffer.from([0xff])), traceparent: null } };
    const extra = { ...exact('40'), headers: { ...exact('40').headers, 'x-new': 'eA==' } };
    for (const d of [nullAsEmpty, lastWins, extra]) {
      const r = checkFuzzMishandled(run([d]));
      expect(r.valid, JSON.stringify(d.headers)).toBe(false);
      expect(r.anomalies[0]!.message).toMatch(/not its exact copy: header/);
    }
  });

  it('fails for a dead letter with no copy on the dead-letter topic, unless a fault shrank that topic', () => {
    const input = run([{ ...exact('40'), topicCopy: 'none' }]);
    input.topics.dlq = [];
    expect(checkFuzzMishandled(input).anomalies[0]!.message).toMatch(/no copy on the dead-letter topic \(topic_copy none\)/);
    input.faults = [{ faultId: 0, fault: 'dlq-size-limit', target: 'user-events.dlq', start: { ms: 0, wall: wall(0) }, stop: null }];
    expect(checkFuzzMishandled(input).valid).toBe(true);
  });

  it('fails for another value or a key where there was none', () => {
    expect(checkFuzzMishandled(run([{ ...exact('40'), value: digest(Buffer.from([0xef, 0xbf, 0xbd])) }])).anomalies[0]!.message).toMatch(
      /value stored as/,
    );
    expect(checkFuzzMishandled(run([{ ...exact('40'), key: digest(Buffer.alloc(0)) }])).anomalies[0]!.message).toMatch(/key stored as/);
  });

  it('fails for a dead letter filed under another version or event id than the record claims', () => {
    const text = '{"type":"UserDeleted","schemaVersion":999,"streamVersion":1,"eventId":"e-1"}';
    const claiming: InjectedRecord = { key: null, value: b64(text), headers: [] };
    const filed = (over: Partial<DeadLetterLogRow>): DeadLetterLogRow => ({
      ...exact('40'),
      value: digest(Buffer.from(text)),
      headers: {},
      streamVersion: 1,
      eventId: 'e-1',
      ...over,
    });
    expect(checkFuzzMishandled(run([filed({})], [fuzz('40', claiming)])).valid).toBe(true);
    const noVersion = checkFuzzMishandled(run([filed({ streamVersion: null })], [fuzz('40', claiming)]));
    expect(noVersion.anomalies[0]!.message).toMatch(/filed under version none, though the record claims 1/);
    const otherId = checkFuzzMishandled(run([filed({ eventId: 'from-a-header' })], [fuzz('40', claiming)]));
    expect(otherId.anomalies[0]!.message).toMatch(/filed under event id "from-a-header", though the record claims "e-1"/);
  });

  it('reads the claims as the projector must: a positive safe integer version, strict UTF-8, a JSON object', () => {
    const claims = (s: string | Buffer) => claimsOf(b64(s));
    expect(claims('{"streamVersion":7,"eventId":"x"}')).toEqual({ streamVersion: 7, eventId: 'x' });
    expect(claims('\ufeff{"streamVersion":2}')).toEqual({ streamVersion: 2 }); // a BOM is not part of the text
    for (const none of [
      '{"streamVersion":0}',
      '{"streamVersion":1.5}',
      '{"streamVersion":1e400}',
      '{"streamVersion":"1"}',
      '[1]',
      'null',
      'x',
    ])
      expect(claims(none).streamVersion, none).toBeNull();
    expect(
      claims(Buffer.concat([Buffer.from('{"streamVersion":3,"n":"'), Buffer.from([0xff]), Buffer.from('"}')])).streamVersion,
    ).toBeNull();
    expect(claimsOf(null)).toEqual({ streamVersion: null });
    expect(claims(`{"eventId":"${'e'.repeat(65)}"}`)).toEqual({ streamVersion: null }); // may be fitted: not judged
  });

  it('names a long value by length and SHA-256, not its bytes', () => {
    const big: InjectedRecord = { key: null, value: b64(Buffer.alloc(70_000, 1)), headers: [] };
    const r = checkFuzzMishandled(run([], [fuzz('40', big)]));
    expect(r.anomalies[0]!.data!.record).toMatchObject({ value: { length: 70_000, bytes: expect.stringMatching(/history/) } });
  });

  it('a copy of an applied event: dropped passes; dead-lettered, or applied again by effectively-once, fails', () => {
    const copy = fuzz('42', RECORD, 'duplicate', { eventId: 'e-a-1', streamId: 'a', streamVersion: 1 });
    expect(checkFuzzMishandled(run([], [copy])).valid).toBe(true);
    expect(checkFuzzMishandled(run([exact('42')], [copy])).anomalies[0]!.message).toMatch(
      /dead-lettered .* instead of handled as a duplicate/,
    );
    const applied = run([], [copy]);
    applied.read.applied.push({ eventId: 'e-a-1', streamId: 'a', streamVersion: 1, partition: 1, offset: '42', appliedAt: wall(300) });
    expect(checkFuzzMishandled(applied).anomalies[0]!.message).toMatch(/applied again/);
    applied.consumeMode = 'at-least-once'; // re-applies on purpose: judged by duplicated
    expect(checkFuzzMishandled(applied).valid).toBe(true);
  });

  it('at-most-once whose projector died may lose a record, but a dead letter it kept must still be exact', () => {
    const input = run([{ ...exact('41'), headers: {} }], [fuzz('40'), fuzz('41')]);
    input.consumeMode = 'at-most-once';
    input.faults = [{ faultId: 0, fault: 'kill', target: 'projector', start: { ms: 0, wall: wall(0) }, stop: { ms: 10, wall: wall(10) } }];
    const r = checkFuzzMishandled(input);
    expect(r.anomalies.map((a) => a.data!.fuzzId)).toEqual(['7/41']);
    input.faults = [];
    expect(checkFuzzMishandled(input).anomalies).toHaveLength(2);
  });

  it('has nothing to say about a record the broker refused, or a run recorded without dead letters', () => {
    expect(checkFuzzMishandled(run([], [fuzz('-1', RECORD, 'fuzz', { partition: -1, refused: 'MESSAGE_TOO_LARGE (10)' })])).valid).toBe(
      true,
    );
    const old = run([], [fuzz('40')]);
    delete old.read.deadLetters;
    expect(checkFuzzMishandled(old).valid).toBe(true);
  });
});
