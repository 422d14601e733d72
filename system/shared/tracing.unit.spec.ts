import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  currentTraceparent,
  initTracing,
  shutdownTracing,
  traceIdOf,
  tracesExported,
  withSpan,
  withSpanFromTraceparent,
  type SpanRecord,
} from './tracing.ts';

const file = join(mkdtempSync(join(tmpdir(), 'faultline-trace-')), 'traces.jsonl');
initTracing('unit-test', { tracesFile: file, otlpEndpoint: '' });
const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('tracing', () => {
  it('says spans are exported when a traces file is set (the projector makes its run spans only then)', () => {
    expect(tracesExported()).toBe(true);
  });

  it('continues an incoming traceparent and exposes the current one for an event or header', async () => {
    const tp = await withSpanFromTraceparent('handle', incoming, async () => currentTraceparent());
    expect(traceIdOf(tp)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(tp).not.toBe(incoming); // same trace, new span id
  });

  it('nests child spans under the active span across awaits (AsyncLocalStorage)', async () => {
    const [outer, inner] = await withSpanFromTraceparent('outer', incoming, async () => {
      const o = currentTraceparent();
      await new Promise((r) => setTimeout(r, 5));
      const i = await withSpan('inner', async () => currentTraceparent());
      return [o, i];
    });
    expect(traceIdOf(inner)).toBe(traceIdOf(outer));
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SpanRecord);
    const innerSpan = lines.find((l) => l.name === 'inner')!;
    const outerSpan = lines.find((l) => l.name === 'outer')!;
    expect(innerSpan.parentSpanId).toBe(outerSpan.spanId);
    expect(outerSpan.parentSpanId).toBe('b7ad6b7169203331');
    expect(outerSpan.service).toBe('unit-test');
  });

  it('starts a new trace when the traceparent is absent or invalid, and marks failures', async () => {
    const tp = await withSpanFromTraceparent('fresh', 'garbage', async () => currentTraceparent());
    expect(traceIdOf(tp)).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdOf(tp)).not.toBe('0af7651916cd43dd8448eb211c80319c');
    await expect(
      withSpan('boom', async () => {
        throw new Error('x');
      }),
    ).rejects.toThrow('x');
    const boom = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SpanRecord)
      .find((l) => l.name === 'boom');
    expect(boom?.status).toBe('error');
    await shutdownTracing();
  });

  it('has no traceparent outside any span', () => {
    expect(currentTraceparent()).toBeUndefined();
    expect(traceIdOf('00-zz-11-01')).toBeUndefined();
  });
});
