// The harness's domain model against the real command service (in-process, on a throwaway schema
// of the real `commands` MariaDB): for generated command sequences — adversarial names, boundary
// lengths and dates, deliberate conflicts, padded bodies, same-key resends — every answer's status
// and version is the one the model predicts, and the stored USER_DATA rows are the model's states
// byte for byte. Needs `npm run env -- up --infra-only` (or FAULTLINE_IT_* addresses).
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommandService, type RunningCommandService } from '../../system/commandService/commandService.ts';
import { COMMAND_DEFAULTS } from '../../system/commandService/config.ts';
import { getLogger } from '../../system/shared/logger.ts';
import { freshSchema, type TestSchema } from '../../system/testing/intSupport.ts';
import type { CompletionResult } from '../history/types.ts';
import { createGenerator, GENERATOR_DEFAULTS } from './generator.ts';
import { createCommandClient } from './httpClient.ts';
import { applyCommand, type WriteModel } from './model.ts';

let schema: TestSchema;
let svc: RunningCommandService;

beforeAll(async () => {
  schema = await freshSchema('commands');
  svc = await startCommandService(
    {
      httpHost: '127.0.0.1',
      httpPort: 0,
      commandsDbUrl: schema.roleUrl('command_service'),
      commandsDbAdminUrl: undefined,
      dbPoolSize: 4,
      publishMode: 'outbox',
      kafkaBrokers: [],
      kafkaTopic: 'user-events',
      bodyLimitBytes: GENERATOR_DEFAULTS.bodyLimitBytes,
      shutdownTimeoutMs: 1_000,
      ...COMMAND_DEFAULTS,
    },
    getLogger('model-it', { level: 'silent' }),
  );
});

afterAll(async () => {
  await svc?.stop();
  await schema?.drop();
});

interface Mismatch {
  step: number;
  intent: string;
  command: string;
  predicted: unknown;
  answered: unknown;
}

/** Runs one seeded sequence one command at a time; returns the model and every disagreement. */
async function runSequence(
  seed: number,
  steps: number,
): Promise<{ model: WriteModel; mismatches: Mismatch[]; statuses: Map<number, number> }> {
  const gen = createGenerator({ seed, streams: 12 }); // few streams: sequences revisit them
  const client = createCommandClient({ baseUrl: svc.url, timeoutMs: 10_000, attempts: 1 });
  let model: WriteModel = new Map();
  const mismatches: Mismatch[] = [];
  const statuses = new Map<number, number>();
  let step = 0;
  while (step < steps) {
    for (const p of gen.next()) {
      const key = p.resend?.idempotencyKey ?? `it-${seed}-${step}`;
      gen.sent(p);
      const r: CompletionResult = await client.send(p.command, key);
      gen.settle(p, r, { opId: step, idempotencyKey: key });
      let predicted: { status: number; version?: number };
      if (p.resend) predicted = { status: p.resend.status, ...(p.resend.version !== undefined ? { version: p.resend.version } : {}) };
      else if ('padTo' in p.command && p.command.padTo !== undefined && p.command.padTo > GENERATOR_DEFAULTS.bodyLimitBytes)
        predicted = { status: 413 };
      else {
        const next = applyCommand(model, p.command);
        model = next.model;
        predicted = next.decision.accepted
          ? { status: next.decision.status, version: next.decision.event.streamVersion }
          : { status: next.decision.status };
      }
      const answered = { status: r.status, ...(r.outcome === 'ok' ? { version: r.version } : {}) };
      statuses.set(r.status ?? 0, (statuses.get(r.status ?? 0) ?? 0) + 1);
      if (answered.status !== predicted.status || answered.version !== predicted.version)
        mismatches.push({
          step,
          intent: p.intent,
          command: JSON.stringify(p.command).slice(0, 200),
          predicted,
          answered: { ...answered, error: r.error },
        });
      step++;
    }
  }
  return { model, mismatches, statuses };
}

describe('the harness model against the real command service', () => {
  it('predicts every status and version of generated sequences, conflicts and bad values included', async () => {
    const statuses = new Map<number, number>();
    let model: WriteModel = new Map();
    for (const seed of [1, 2, 3]) {
      const r = await runSequence(seed, 200);
      expect(r.mismatches).toEqual([]);
      r.statuses.forEach((n, s) => statuses.set(s, (statuses.get(s) ?? 0) + n));
      model = new Map([...model, ...r.model]);
    }
    // the sample exercised every kind of answer, not only the happy path
    expect([...statuses.keys()].sort()).toEqual([200, 201, 400, 404, 409, 410, 413]);

    // the stored rows are the model's states, names byte for byte (astral, ZWJ, combining, RTL)
    const [rows] = await schema.admin.query<RowDataPacket[]>(
      "SELECT ID_USER_DATA AS id, NAME AS name, DATE_FORMAT(DATE_REGISTER, '%Y-%m-%d') AS dateRegister, VERSION AS version, DELETED AS deleted FROM USER_DATA",
    );
    const stored = new Map(
      rows.map((r) => [
        String(r.id),
        { name: String(r.name), dateRegister: String(r.dateRegister), version: Number(r.version), deleted: Number(r.deleted) === 1 },
      ]),
    );
    const expected = new Map(
      [...model.values()].map((u) => [u.userId, { name: u.name, dateRegister: u.dateRegister, version: u.version, deleted: u.deleted }]),
    );
    expect(stored.size).toBe(expected.size);
    for (const [id, e] of expected) expect({ id, ...stored.get(id) }).toEqual({ id, ...e });
    expect([...model.values()].some((u) => [...u.name].length === 255 && Buffer.byteLength(u.name) > 255)).toBe(true);
  });
});
