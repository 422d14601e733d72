// Distributed tracing: one W3C trace runs from the HTTP command through the stored event, the
// relay's Kafka publish and the projector's apply. Spans go over OTLP/HTTP when
// OTEL_EXPORTER_OTLP_ENDPOINT is set, and to a JSONL file when OTEL_TRACES_FILE is set, so a test
// can check the trace id without a collector. With neither set, spans are still created (ids are
// propagated) but not exported.
import { appendFileSync } from 'node:fs';
import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export { SpanKind } from '@opentelemetry/api';

/** One line of OTEL_TRACES_FILE. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  service: string;
  kind: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationMs: number;
  status: 'unset' | 'ok' | 'error';
  attributes: Attributes;
}

const hrToNanos = (t: [number, number]): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

/** Appends each span as one JSON line. Synchronous appends: lines from several processes do not interleave. */
export class JsonlFileSpanExporter implements SpanExporter {
  constructor(
    private readonly path: string,
    private readonly service: string,
  ) {}

  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    try {
      const lines = spans.map((s) => JSON.stringify(toSpanRecord(s, this.service))).join('\n');
      if (lines) appendFileSync(this.path, `${lines}\n`);
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {}
}

export function toSpanRecord(s: ReadableSpan, service: string): SpanRecord {
  const ctx = s.spanContext();
  const start = hrToNanos(s.startTime);
  const end = hrToNanos(s.endTime);
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? null,
    name: s.name,
    service,
    kind: SpanKind[s.kind] ?? String(s.kind),
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    durationMs: Number(end - start) / 1e6,
    status: s.status.code === SpanStatusCode.ERROR ? 'error' : s.status.code === SpanStatusCode.OK ? 'ok' : 'unset',
    attributes: s.attributes,
  };
}

let provider: BasicTracerProvider | undefined;
let serviceNameInUse = 'faultline';
let exporting = false;

export interface TracingOptions {
  otlpEndpoint?: string; // default: OTEL_EXPORTER_OTLP_ENDPOINT (base URL; /v1/traces is appended)
  tracesFile?: string; // default: OTEL_TRACES_FILE
}

/**
 * Install the global tracer provider, AsyncLocalStorage context manager and W3C propagator.
 * Call once at process start, before the first span. Idempotent (later calls are ignored).
 */
export function initTracing(serviceName: string, opts: TracingOptions = {}): void {
  if (provider) return;
  serviceNameInUse = serviceName;
  const otlp = opts.otlpEndpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const file = opts.tracesFile ?? process.env.OTEL_TRACES_FILE;
  const spanProcessors: SpanProcessor[] = [];
  if (otlp) {
    const url = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${otlp.replace(/\/$/, '')}/v1/traces`;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 1_000 }));
  }
  // Simple (synchronous) processor for the file: a test reads it right after the request.
  if (file) spanProcessors.push(new SimpleSpanProcessor(new JsonlFileSpanExporter(file, serviceName)));
  exporting = spanProcessors.length > 0;
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
}

/** Flush and stop exporting (graceful shutdown). */
export async function shutdownTracing(): Promise<void> {
  const p = provider;
  if (!p) return;
  await p.forceFlush().catch(() => undefined);
  await p.shutdown().catch(() => undefined);
}

/**
 * Whether finished spans go anywhere. A span that only ends (nothing continues its trace and no
 * exporter takes it) may be skipped when this is false.
 */
export function tracesExported(): boolean {
  return exporting;
}

export function getTracer(): Tracer {
  return trace.getTracer(serviceNameInUse);
}

/** The context that continues the trace of a W3C `traceparent` header (the root context if absent/invalid). */
export function contextFromTraceparent(traceparent: string | undefined | null, tracestate?: string): Context {
  if (!traceparent) return context.active();
  const carrier: Record<string, string> = { traceparent };
  if (tracestate) carrier.tracestate = tracestate;
  return propagation.extract(context.active(), carrier);
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
}

/**
 * Run `fn` in a new span that continues `traceparent` (or the active trace, or a new one).
 * The span ends when `fn` settles; a thrown error marks it ERROR and is rethrown.
 */
export async function withSpanFromTraceparent<T>(
  name: string,
  traceparent: string | undefined | null,
  fn: (span: Span) => Promise<T>,
  opts: SpanOptions = {},
): Promise<T> {
  const parent = contextFromTraceparent(traceparent);
  return getTracer().startActiveSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes ?? {} },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** Run `fn` in a child span of the active context. */
export function withSpan<T>(name: string, fn: (span: Span) => Promise<T>, opts: SpanOptions = {}): Promise<T> {
  return withSpanFromTraceparent(name, undefined, fn, opts);
}

/** The W3C `traceparent` of the active span (to store in an event / a Kafka header), if any. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** Trace id of a `traceparent` string, or undefined if it is not valid W3C. */
export function traceIdOf(traceparent: string | undefined | null): string | undefined {
  const m = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(traceparent ?? '');
  return m?.[1];
}
