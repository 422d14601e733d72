import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameProblem } from '../shared/fields.ts';
import { parseRecord } from './parseRecord.ts';
import { SchemaViolationError, UnknownEventTypeError, UnparseableRecordError } from './poison.ts';

const STREAM = '0190a0b0-0000-7000-8000-000000000001';
const base = {
  eventId: '0190a0b0-0000-7000-8000-0000000000aa',
  streamId: STREAM,
  streamVersion: 1,
  type: 'UserRegistered',
  schemaVersion: 1,
  occurredAt: '2026-11-28T10:00:00.000Z',
  correlationId: 'corr-1',
  causationId: 'cmd-1',
  payload: { name: 'Ada', dateRegister: '2026-11-28' },
};
const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const key = Buffer.from(STREAM);

describe('parseRecord', () => {
  it('accepts a valid envelope of each type', () => {
    const reg = parseRecord(key, buf(base));
    expect(reg).toMatchObject({ ok: true, event: { streamId: STREAM, streamVersion: 1, type: 'UserRegistered' } });
    const ren = parseRecord(key, buf({ ...base, streamVersion: 2, type: 'UserRenamed', payload: { name: 'Bo' } }));
    expect(ren.ok).toBe(true);
    const del = parseRecord(null, buf({ ...base, streamVersion: 3, type: 'UserDeleted', payload: {} }));
    expect(del.ok).toBe(true);
  });

  it('keeps the traceparent when present', () => {
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const r = parseRecord(key, buf({ ...base, traceparent: tp }));
    expect(r.ok && r.event.traceparent).toBe(tp);
  });

  it.each([
    ['empty value', Buffer.alloc(0)],
    ['garbage bytes', Buffer.from([0xff, 0xfe, 0x00, 0x13])],
    ['not json', Buffer.from('{"eventId":')],
  ])('rejects %s as unparseable', (_label, value) => {
    const r = parseRecord(key, value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBeInstanceOf(UnparseableRecordError);
  });

  it('rejects an unknown type', () => {
    const r = parseRecord(key, buf({ ...base, type: 'UserTeleported' }));
    expect(!r.ok && r.error).toBeInstanceOf(UnknownEventTypeError);
    expect(!r.ok && r.error.message).toContain('UserTeleported');
  });

  it.each([
    ['a JSON array', [1, 2]],
    ['a missing name', { ...base, payload: { dateRegister: '2026-11-28' } }],
    ['a name over 255 characters', { ...base, payload: { name: 'x'.repeat(256), dateRegister: '2026-11-28' } }],
    ['a bad date', { ...base, payload: { name: 'Ada', dateRegister: 'yesterday' } }],
    ['version 0', { ...base, streamVersion: 0 }],
    ['a string version', { ...base, streamVersion: '1' }],
    ['an unsupported schema version', { ...base, schemaVersion: 2 }],
    ['a non-uuid event id', { ...base, eventId: 'abc' }],
    ['a missing correlation id', { ...base, correlationId: undefined }],
    ['a rename without a name', { ...base, type: 'UserRenamed', payload: {} }],
    ['a stream id that is not a UUID', { ...base, streamId: 'not-a-uuid' }],
    ['a version beyond the INT columns', { ...base, streamVersion: 2 ** 31 }],
    ['a year before 1000', { ...base, payload: { name: 'Ada', dateRegister: '0999-12-31' } }],
    ['an impossible date', { ...base, payload: { name: 'Ada', dateRegister: '2026-02-30' } }],
    ['a blank name', { ...base, payload: { name: ' \t ', dateRegister: '2026-11-28' } }],
    ['256 emoji', { ...base, payload: { name: '😀'.repeat(256), dateRegister: '2026-11-28' } }],
  ])('rejects %s as a schema violation', (_label, value) => {
    const r = parseRecord(key, buf(value));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBeInstanceOf(SchemaViolationError);
  });

  it('accepts a name of 255 emoji (255 code points, 510 UTF-16 units), as the command API does', () => {
    const name = '😀'.repeat(255);
    const r = parseRecord(key, buf({ ...base, payload: { name, dateRegister: '2026-11-28' } }));
    expect(r).toMatchObject({ ok: true, event: { payload: { name } } });
  });

  it('accepts exactly the names the command API accepts (full Unicode)', () => {
    const names = fc.oneof(
      fc.string({ unit: 'binary', minLength: 0, maxLength: 300 }), // full Unicode, lone surrogates included
      fc.string({ unit: 'grapheme', minLength: 200, maxLength: 260 }),
      fc.string({ unit: fc.constantFrom('😀', 'a', ' ', '\u0000', '\ud800'), minLength: 250, maxLength: 260 }),
    );
    fc.assert(
      fc.property(names, (name) => {
        const r = parseRecord(key, buf({ ...base, type: 'UserRenamed', payload: { name } }));
        expect(r.ok).toBe(nameProblem(name) === undefined);
        if (r.ok) expect((r.event.payload as { name: string }).name).toBe(name);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a key that does not match the stream id', () => {
    const r = parseRecord(Buffer.from('someone-else'), buf(base));
    expect(!r.ok && r.error.message).toContain('key does not match');
  });
});

describe('parseRecord hints', () => {
  it('keeps the correlation id, event id and version of a schema violation for the dead letter', () => {
    const r = parseRecord(key, buf({ ...base, streamVersion: 4, payload: {} }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.hints).toEqual({ correlationId: 'corr-1', eventId: base.eventId, streamVersion: 4 });
  });
  it('has no hints for garbage', () => {
    const r = parseRecord(key, Buffer.from([0xff]));
    expect(!r.ok && r.hints).toEqual({});
  });
});
