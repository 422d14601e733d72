// The workload's client (Jepsen's `invoke`): sends one command to the command service through
// the client-command proxy with an idempotency key, retries a bounded number of times with the
// SAME key, and classifies the outcome for the history:
//   ok      — a 2xx (first or replayed answer);
//   fail    — every attempt was answered 4xx: definitely not applied;
//   unknown — no answer, a reset, a 5xx, or a 4xx after an attempt whose fate is unknown (that
//             first attempt may still commit), so the checkers may count it either way.
import { randomUUID } from 'node:crypto';
import type { CompletionResult } from '../history/types.ts';
import type { Command } from './commands.ts';
import { encodeBody } from './values.ts';

export interface ClientOptions {
  baseUrl: string; // the client-command proxy
  timeoutMs?: number; // per attempt
  attempts?: number; // total attempts with the same key
  retryDelayMs?: number;
}

/** `body` is the exact text sent (JSON, possibly padded with whitespace). */
interface HttpRequest {
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: string;
  headers: Record<string, string>;
}

export const DEFAULT_DATE_REGISTER = '2026-11-28';

export function toRequest(c: Command, idempotencyKey: string, correlationId: string): HttpRequest {
  const headers: Record<string, string> = { 'idempotency-key': idempotencyKey, 'x-correlation-id': correlationId };
  if ('expectedVersion' in c && c.expectedVersion !== undefined) headers['if-match'] = `"${c.expectedVersion}"`; // the ETag as the service gives it
  const id = encodeURIComponent(c.userId);
  switch (c.kind) {
    case 'register':
      return {
        method: 'POST',
        path: '/users',
        body: encodeBody({ id: c.userId, name: c.name, dateRegister: c.dateRegister ?? DEFAULT_DATE_REGISTER }, c.padTo),
        headers,
      };
    case 'rename':
      return { method: 'PUT', path: `/users/${id}/name`, body: encodeBody({ name: c.name }, c.padTo), headers };
    case 'delete':
      return { method: 'DELETE', path: `/users/${id}`, headers };
  }
}

type Attempt = { kind: 'answer'; status: number; body: Record<string, unknown> } | { kind: 'no-answer'; error: string };

/** Folds the attempts of one command into its outcome. Pure: unit-tested. */
export function classify(attempts: readonly Attempt[]): CompletionResult {
  const last = attempts[attempts.length - 1];
  const ok = attempts.find((a): a is Extract<Attempt, { kind: 'answer' }> => a.kind === 'answer' && a.status >= 200 && a.status < 300);
  if (ok) {
    const version = Number(ok.body.version);
    return {
      outcome: 'ok',
      status: ok.status,
      version: Number.isFinite(version) ? version : undefined,
      eventId: typeof ok.body.eventId === 'string' ? ok.body.eventId : undefined,
    };
  }
  const uncertain = attempts.some((a) => a.kind === 'no-answer' || a.status >= 500);
  if (!last) return { outcome: 'unknown', error: 'never sent' };
  if (last.kind === 'answer' && last.status < 500 && !uncertain) {
    return { outcome: 'fail', status: last.status, error: String(last.body.message ?? last.body.error ?? `HTTP ${last.status}`) };
  }
  return {
    outcome: 'unknown',
    status: last.kind === 'answer' ? last.status : undefined,
    error: last.kind === 'answer' ? `HTTP ${last.status}${attempts.length > 1 ? ` after ${attempts.length} attempts` : ''}` : last.error,
  };
}

/** Only uncertain answers are worth a retry; a 4xx is final. */
const retriable = (a: Attempt) => a.kind === 'no-answer' || a.status >= 500;

export function createCommandClient(opts: ClientOptions) {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const attempts = opts.attempts ?? 3;
  const delay = opts.retryDelayMs ?? 200;

  async function attempt(req: HttpRequest): Promise<Attempt> {
    try {
      const res = await fetch(opts.baseUrl + req.path, {
        method: req.method,
        headers: { ...req.headers, ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = { message: text.slice(0, 200) };
      }
      return { kind: 'answer', status: res.status, body };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      return { kind: 'no-answer', error: e.cause?.code ?? e.name ?? String(err) };
    }
  }

  return {
    /** Sends `c` with `idempotencyKey` until a final answer or the attempts run out. */
    async send(c: Command, idempotencyKey: string, correlationId: string = randomUUID()): Promise<CompletionResult> {
      const req = toRequest(c, idempotencyKey, correlationId);
      const seen: Attempt[] = [];
      for (let i = 0; i < attempts; i++) {
        const a = await attempt(req);
        seen.push(a);
        if (!retriable(a)) break;
        if (i < attempts - 1) await new Promise((r) => setTimeout(r, delay * 2 ** i));
      }
      return classify(seen);
    },
  };
}
