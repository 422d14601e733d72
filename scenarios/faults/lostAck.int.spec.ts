// A lost acknowledgement on the real Toxiproxy: the request reaches the server (it "commits")
// but the client never sees the answer; once the window ends, a retry gets through. A bare
// HTTP listener stands in for the command service: what is under test is the fault, not the
// service. Needs `npm run env -- up --infra-only`.
import { createServer, type Server } from 'node:http';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireState } from '../environment/state.ts';
import type { EnvAddresses } from '../environment/types.ts';
import type { FamilyRuntime, FaultContext, FaultRecorder } from './family.ts';
import { lostAckFamily } from './lostAckFamily.ts';
import type { Fault } from './types.ts';

const state = requireState();
const toxi = new Toxiproxy(state.toxiproxy.api);
const PROXY = 'faultline-test-lost-ack';

let server: Server;
let received = 0;
let env: EnvAddresses;
let family: FamilyRuntime;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ version: received }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const upstream = `127.0.0.1:${(server.address() as { port: number }).port}`;
  await (await toxi.getAll())[PROXY]?.remove();
  const proxy = await toxi.createProxy({ name: PROXY, listen: '127.0.0.1:0', upstream });
  // Only the client link is needed: the family faults nothing else.
  env = { ...state, links: { ...state.links, 'client-command': [{ name: PROXY, listen: proxy.listen, upstream }] } };
  const recorder = {} as FaultRecorder;
  family = lostAckFamily.create({ env, recorder, log: () => undefined, poisonRecords: () => [], tools: {} } as unknown as FaultContext);
});

afterAll(async () => {
  await (await toxi.getAll())[PROXY]?.remove();
  await new Promise((r) => server.close(r));
});

async function post(timeoutMs: number): Promise<{ status: number } | { error: string }> {
  try {
    const res = await fetch(`http://${env.links['client-command'][0]!.listen}/users`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', connection: 'close' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.text();
    return { status: res.status };
  } catch (err) {
    return { error: (err as Error).name };
  }
}

const fault = (params: object): Fault =>
  ({ at: 0, fault: 'lost-ack', target: 'client-command', duration: 1_000, params: { toxicity: 1, ...params } }) as Fault;

describe('lost acknowledgement on the client link', () => {
  for (const [how, params, clientTimeoutMs] of [
    ['reset', { how: 'reset' }, 5_000],
    ['black-hole', { how: 'black-hole' }, 1_500],
    ['late', { how: 'late', latencyMs: 3_000 }, 1_500],
  ] as const) {
    it(`${how}: the server handles the request, the client gets no answer; after the window it does`, async () => {
      const f = fault(params);
      const before = received;
      await family.start(f, 1);
      try {
        const lost = await post(clientTimeoutMs);
        expect(lost).toHaveProperty('error');
        expect(received).toBe(before + 1); // committed although unanswered
      } finally {
        await family.stop(f, 1);
      }
      expect(await post(5_000)).toEqual({ status: 201 });
      expect(received).toBe(before + 2);
    });
  }
});
