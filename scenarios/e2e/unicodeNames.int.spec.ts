// Full-Unicode names through the whole real system (command service → outbox → relay → Kafka →
// projector → query API, every link through its proxy): whatever the command service accepts
// reaches the read model byte for byte, and it accepts exactly what the one shared field rule
// (system/shared/fields.ts) accepts. A 255-emoji name is the case that used to be lost.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameProblem } from '../../system/shared/fields.ts';
import { requireState } from '../environment/state.ts';
import { startSystem, stopSystem, wipeSystemState } from '../environment/system.ts';
import type { EnvAddresses } from '../environment/types.ts';

let env: EnvAddresses;

beforeAll(async () => {
  await wipeSystemState(requireState());
  env = await startSystem(requireState());
}, 120_000);
afterAll(async () => {
  await stopSystem();
});

async function register(name: string): Promise<{ status: number; id: string; version?: number }> {
  const id = randomUUID();
  const res = await fetch(`${env.system!.commandService}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ id, name, dateRegister: '2026-11-28' }),
  });
  const body = (await res.json()) as { version?: number };
  return { status: res.status, id, ...(body.version === undefined ? {} : { version: body.version }) };
}

/** The read model's name for the user once it shows `version`, or undefined after the timeout. */
async function readName(id: string, version: number, timeoutMs = 30_000): Promise<string | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const res = await fetch(`${env.system!.queryApi}/users/${id}`).catch(() => undefined);
    if (res?.status === 200) {
      const u = (await res.json()) as { version: number; name: string };
      if (u.version >= version) return u.name;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

const names = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }), // any code point, lone surrogates included
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 255 }),
  fc.integer({ min: 250, max: 260 }).map((n) => '😀'.repeat(n)), // around the limit in code points
  fc.constantFrom('𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'ﷺ', '\u200b', 'a\u0301', 'Ǆ', ' ', '\u{10FFFF}'),
);

describe('full-Unicode names end to end', () => {
  it('a name of 255 emoji is accepted and reaches the read model unchanged', async () => {
    const name = '😀'.repeat(255);
    const r = await register(name);
    expect(r.status).toBe(201);
    expect(await readName(r.id, r.version!)).toBe(name);
  });

  it('every name the command service accepts reaches the read model byte-exact; it accepts exactly the shared rule', async () => {
    await fc.assert(
      fc.asyncProperty(names, async (name) => {
        const r = await register(name);
        expect(r.status === 201, `status ${r.status} for ${JSON.stringify(name)}`).toBe(nameProblem(name) === undefined);
        if (r.status !== 201) return;
        const stored = await readName(r.id, r.version!);
        expect(stored === undefined ? undefined : Buffer.from(stored, 'utf8').toString('hex')).toBe(
          Buffer.from(name, 'utf8').toString('hex'),
        );
      }),
      { numRuns: 40 },
    );
  });
});
