import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecorder, memorySink } from '../history/recorder.ts';
import { toReads } from '../history/reader.ts';
import { startReaders } from './readers.ts';

// A stand-in query API on a local port: what is under test is the readers' recording, not the API.
let server: Server;
let base: string;
let served = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    served++;
    if (req.url!.startsWith('/users?')) {
      const q = new URL(req.url!, 'http://x').searchParams;
      if (q.get('pageSize') === '7') return res.writeHead(503).end(JSON.stringify({ error: 'DB_DOWN' }));
      // A page that lists nothing although its total says there are users (the API's bug to catch).
      if (q.get('pageSize') === '9')
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [], total: 5 }));
      const items = [
        { id: 'p-1', version: 3, deleted: false },
        { id: 'p-2', version: 1, deleted: true },
      ];
      return res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          items,
          page: Number(q.get('page')),
          pageSize: Number(q.get('pageSize')),
          total: 2,
          deleted: q.get('includeDeleted'),
        }),
      );
    }
    const id = decodeURIComponent(req.url!.split('/').pop()!);
    if (id === 'missing') return res.writeHead(404).end(JSON.stringify({ error: 'USER_NOT_FOUND' }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, version: served, deleted: false }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('query-API readers', () => {
  it('record every answer (status, version, deleted) per reader until stopped', async () => {
    const recorder = createRecorder({ sink: memorySink() });
    const readers = startReaders({ queryApi: base, recorder, streams: () => ['a', 'missing'], readers: 2, intervalMs: 5, pageEvery: 0 });
    // a loaded machine may be slow: wait for enough reads, not for a fixed time
    for (let i = 0; i < 200 && new Set(toReads(recorder.entries()).map((r) => `${r.reader}${r.userId}`)).size < 4; i++)
      await new Promise((r) => setTimeout(r, 50));
    const done = await readers.stop();
    const reads = toReads(recorder.entries());
    expect(done.reads).toBe(reads.length);
    expect(reads.length).toBeGreaterThanOrEqual(4);
    expect(new Set(reads.map((r) => r.reader))).toEqual(new Set([0, 1]));
    expect(
      reads.filter((r) => r.userId === 'a').every((r) => r.status === 200 && typeof r.version === 'number' && r.deleted === false),
    ).toBe(true);
    expect(reads.filter((r) => r.userId === 'missing').every((r) => r.status === 404 && r.version === undefined)).toBe(true);
  });

  it('records when each request was sent, on the clock it is given, before its answer arrived', async () => {
    let clock = 0;
    const recorder = createRecorder({ sink: memorySink(), clock: () => ({ ms: (clock += 1), wall: '' }) });
    const readers = startReaders({
      queryApi: base,
      recorder,
      streams: () => ['a'],
      readers: 1,
      intervalMs: 5,
      now: () => (clock += 1),
      pageEvery: 0,
    });
    for (let i = 0; i < 200 && toReads(recorder.entries()).length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    await readers.stop();
    const reads = toReads(recorder.entries());
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const r of reads) expect(r.sentMs).toBeLessThan(r.t.ms);
    expect(new Set(reads.map((r) => r.sentMs)).size).toBe(reads.length);
  });

  it('reads a page of GET /users every few reads: each item a read of its user, with what the page said', async () => {
    let clock = 0;
    const recorder = createRecorder({ sink: memorySink(), clock: () => ({ ms: (clock += 1), wall: '' }) });
    const readers = startReaders({
      queryApi: base,
      recorder,
      streams: () => ['a'],
      readers: 1,
      intervalMs: 1,
      pageEvery: 3,
      now: () => (clock += 1),
    });
    for (let i = 0; i < 200 && toReads(recorder.entries()).filter((r) => r.page).length < 4; i++)
      await new Promise((r) => setTimeout(r, 20));
    await readers.stop();
    const reads = toReads(recorder.entries());
    const paged = reads.filter((r) => r.page);
    expect(paged.length).toBeGreaterThanOrEqual(4);
    expect(paged.slice(0, 2)).toEqual([
      expect.objectContaining({
        userId: 'p-1',
        status: 200,
        version: 3,
        deleted: false,
        page: { read: 0, number: 1, size: 20, total: 2, count: 2 },
      }),
      expect.objectContaining({
        userId: 'p-2',
        status: 200,
        version: 1,
        deleted: true,
        page: { read: 0, number: 1, size: 20, total: 2, count: 2 },
      }),
    ]);
    for (const r of paged) expect(r.sentMs).toBeLessThan(r.t.ms);
    // one page read in three: two single reads of 'a' between pages
    expect(reads.filter((r) => r.userId === 'a').length).toBeGreaterThanOrEqual(paged.length - 2);
  });

  it('records each page itself, an empty one included, with the ids it listed', async () => {
    const recorder = createRecorder({ sink: memorySink() });
    const readers = startReaders({ queryApi: base, recorder, streams: () => ['a'], readers: 1, intervalMs: 1, pageEvery: 1, pageSize: 9 });
    for (let i = 0; i < 100 && !recorder.entries().some((e) => e.type === 'page'); i++) await new Promise((r) => setTimeout(r, 10));
    await readers.stop();
    const pages = recorder.entries().filter((e) => e.type === 'page');
    expect(pages[0]).toMatchObject({ type: 'page', reader: 0, read: 0, number: 1, size: 9, total: 5, count: 0, userIds: [] });
    expect(toReads(recorder.entries())).toEqual([]); // no item, so no read of a user
  });

  it('counts a page answered with an error as no read, and records nothing for it', async () => {
    const recorder = createRecorder({ sink: memorySink() });
    const readers = startReaders({ queryApi: base, recorder, streams: () => ['a'], readers: 1, intervalMs: 1, pageEvery: 1, pageSize: 7 });
    await new Promise((r) => setTimeout(r, 100));
    const done = await readers.stop();
    expect(done.noAnswer).toBeGreaterThan(0);
    expect(done.reads).toBe(0);
    expect(toReads(recorder.entries())).toEqual([]);
  });

  it('counts a query API that does not answer, and records nothing for it', async () => {
    const recorder = createRecorder({ sink: memorySink() });
    const readers = startReaders({
      queryApi: 'http://127.0.0.1:1',
      recorder,
      streams: () => ['a'],
      readers: 1,
      intervalMs: 5,
      timeoutMs: 200,
    });
    // the first read starts at once, and stop() waits for it: at least one attempt is counted
    await new Promise((r) => setTimeout(r, 50));
    const done = await readers.stop();
    expect(done.noAnswer).toBeGreaterThan(0);
    expect(toReads(recorder.entries())).toEqual([]);
  });

  it('send every other read to the watched streams while there are any', async () => {
    const recorder = createRecorder({ sink: memorySink() });
    const hotSet = Array.from({ length: 50 }, (_, i) => `hot-${i}`);
    let watched: string[] = ['w1', 'w2'];
    const readers = startReaders({
      queryApi: base,
      recorder,
      streams: () => hotSet,
      watched: () => watched,
      readers: 1,
      intervalMs: 2,
      pageEvery: 0,
    });
    for (let i = 0; i < 200 && toReads(recorder.entries()).length < 40; i++) await new Promise((r) => setTimeout(r, 25));
    watched = [];
    const before = toReads(recorder.entries()).length;
    for (let i = 0; i < 200 && toReads(recorder.entries()).length < before + 20; i++) await new Promise((r) => setTimeout(r, 25));
    await readers.stop();
    const reads = toReads(recorder.entries());
    const first = reads.slice(0, 40).map((r) => r.userId);
    // Half of the reads while watching, each watched stream in turn; none once the watch is over.
    expect(first.filter((u) => u === 'w1').length).toBeGreaterThanOrEqual(9);
    expect(first.filter((u) => u === 'w2').length).toBeGreaterThanOrEqual(9);
    expect(reads.slice(before + 1).some((r) => r.userId.startsWith('w'))).toBe(false);
  });
});
