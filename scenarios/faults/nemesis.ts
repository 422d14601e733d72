// The nemesis (Jepsen's fault injector): interprets schedule entries against the running
// environment — Toxiproxy toxics on links, signals and restarts on processes, duplicate and
// poison injection — and records every start and stop in the history. `healAll` undoes
// everything and is safe to call at any time, also after a failure of the harness itself.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Toxiproxy } from 'toxiproxy-node-client';
import { restartTarget, signalTarget, targetPid } from '../environment/control.ts';
import type { EnvAddresses } from '../environment/types.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import { POISON_ID_HEADER, type PoisonInjection } from '../checkers/types.ts';
import { connectAdmin } from '../observe/finalState.ts';
import { TOPIC } from '../../system/shared/events.ts';
import { proxyActionFor } from './toxics.ts';
import { describeFault, isProcess, isToxic, PROCESS_TARGETS, type Fault, type FaultSchedule, type ProcessTarget } from './types.ts';

export interface PoisonRecord { key: string | null; value: Buffer | null; headers: Record<string, string> }

export interface NemesisOptions {
  env: EnvAddresses;
  recorder: HistoryRecorder;
  /** Records of a poison case (from fixtures/poison). */
  poisonRecords: (caseName: string) => PoisonRecord[];
  projectorGroupId?: string;
  log?: (line: string) => void;
}

export interface Nemesis {
  start(f: Fault, faultId: number): Promise<void>;
  stop(f: Fault, faultId: number): Promise<void>;
  /** Heals every link, resumes paused and restarts dead processes. */
  healAll(): Promise<void>;
  readonly poisoned: PoisonInjection[];
}

export function createNemesis(opts: NemesisOptions): Nemesis {
  const { env, recorder } = opts;
  const log = opts.log ?? (() => undefined);
  const toxi = new Toxiproxy(env.toxiproxy.api);
  const poisoned: PoisonInjection[] = [];
  const killed = new Set<ProcessTarget>();
  const paused = new Set<ProcessTarget>();
  const kafka = new Kafka({ clientId: 'faultline-nemesis', brokers: env.kafka.internal, logLevel: logLevel.NOTHING });

  const proxiesOf = (link: keyof EnvAddresses['links']) => env.links[link].map((p) => p.name);

  async function applyToxic(f: Extract<Fault, { fault: 'down' | 'latency' | 'bandwidth' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data' }>, id: number, on: boolean) {
    const action = proxyActionFor(f, id);
    for (const name of proxiesOf(action.link)) {
      const proxy = await toxi.get(name);
      if (action.action === 'disable') {
        await proxy.update({ enabled: !on, listen: proxy.listen, upstream: proxy.upstream });
      } else if (on) {
        for (const t of action.toxics) await proxy.addToxic({ name: t.name, type: t.type as never, stream: t.stream as never, toxicity: t.toxicity, attributes: t.attributes as never });
      } else {
        for (const t of action.toxics) await (await proxy.getToxic(t.name)).remove().catch(() => undefined);
      }
    }
  }

  async function rewindProjector(count: number) {
    const groupId = opts.projectorGroupId ?? 'projector';
    const admin = kafka.admin();
    await admin.connect();
    try {
      // Offsets of a group can only be set while it has no members: stop the projector first.
      signalTarget('projector', 'SIGKILL');
      await waitUntil(async () => (await admin.describeGroups([groupId])).groups[0]?.state !== 'Stable', 30_000);
      await waitUntil(async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
        const partitions = (committed?.partitions ?? []).map((p) => ({ partition: p.partition, offset: String(Math.max(0, Number(p.offset) - count)) }))
          .filter((p) => Number(p.offset) >= 0);
        await admin.setOffsets({ groupId, topic: TOPIC, partitions });
        return true;
      }, 30_000);
    } finally {
      await admin.disconnect();
    }
    await restartTarget('projector', { graceful: false });
  }

  async function republish(count: number) {
    const conn = await connectAdmin(env.mariadb.commands);
    try {
      // The relay sees these rows as never published and sends them again: duplicates on the topic.
      await conn.query('UPDATE outbox SET published_at = NULL WHERE published_at IS NOT NULL ORDER BY id DESC LIMIT ?', [count]);
    } finally {
      await conn.end();
    }
  }

  async function injectPoison(caseName: string, count: number) {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (let i = 0; i < count; i++) {
        for (const r of opts.poisonRecords(caseName)) {
          const poisonId = randomUUID();
          const [meta] = await producer.send({
            topic: TOPIC, acks: -1,
            messages: [{ key: r.key, value: r.value, headers: { ...r.headers, [POISON_ID_HEADER]: poisonId } }],
          });
          poisoned.push({ poisonId, case: caseName, partition: meta?.partition, offset: meta?.baseOffset, eventId: r.headers['event-id'] });
        }
      }
    } finally {
      await producer.disconnect();
    }
  }

  const params = (f: Fault) => f.params as Record<string, unknown>;

  return {
    poisoned,
    async start(f, id) {
      log(`fault ${id}: ${describeFault(f)}`);
      let error: string | undefined;
      try {
        if (isToxic(f)) await applyToxic(f, id, true);
        else if (isProcess(f)) {
          if (f.fault === 'kill') { signalTarget(f.target, 'SIGKILL'); killed.add(f.target); }
          else if (f.fault === 'pause') { signalTarget(f.target, 'SIGSTOP'); paused.add(f.target); }
          else await restartTarget(f.target, { graceful: true });
        } else if (f.fault === 'duplicate') {
          if (f.target === 'projector') await rewindProjector(f.params.count);
          else await republish(f.params.count);
        } else if (f.fault === 'poison') await injectPoison(f.params.case, f.params.count ?? 1);
      } catch (err) {
        error = (err as Error).message;
        log(`fault ${id}: could not apply: ${error}`);
      }
      recorder.faultStart({ faultId: id, fault: f.fault, target: f.target, params: params(f), ...(error ? { error } : {}) });
      if (error) throw new Error(`nemesis could not apply ${describeFault(f)}: ${error}`);
    },
    async stop(f, id) {
      let error: string | undefined;
      try {
        if (isToxic(f)) await applyToxic(f, id, false);
        else if (f.fault === 'kill') { await restartTarget(f.target, { graceful: false }); killed.delete(f.target); }
        else if (f.fault === 'pause') { signalTarget(f.target, 'SIGCONT'); paused.delete(f.target); }
      } catch (err) {
        error = (err as Error).message;
      }
      recorder.faultStop({ faultId: id, fault: f.fault, target: f.target, params: params(f), ...(error ? { error } : {}) });
      if (error) throw new Error(`nemesis could not heal ${describeFault(f)}: ${error}`);
    },
    async healAll() {
      await toxi.reset().catch((err) => log(`heal: toxiproxy reset failed: ${(err as Error).message}`));
      for (const t of paused) { try { signalTarget(t, 'SIGCONT'); } catch { /* gone */ } }
      paused.clear();
      for (const t of PROCESS_TARGETS) {
        if (targetPid(t) === undefined && (killed.has(t) || t !== 'relay')) {
          await restartTarget(t, { graceful: false }).catch((err) => log(`heal: restart ${t} failed: ${(err as Error).message}`));
        }
      }
      killed.clear();
    },
  };
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out${last ? `: ${(last as Error).message}` : ''}`);
}

/**
 * Plays a schedule (times relative to now); resolves when every fault has started and stopped.
 * Faults on one process run one whole window after another (start, hold, heal): a kill that comes
 * due while the process is still restarting from the previous one waits, then holds its full
 * duration, instead of hitting a half-started or already dead process.
 */
export async function playSchedule(schedule: FaultSchedule, nemesis: Nemesis, signal?: AbortSignal): Promise<string[]> {
  const t0 = Date.now();
  const errors: string[] = [];
  const sleepUntil = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, t0 + ms - Date.now())));
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const window = async (f: Fault, id: number) => {
    if (signal?.aborted) return;
    try {
      await nemesis.start(f, id);
    } catch (err) {
      errors.push((err as Error).message);
      return;
    }
    if (f.duration > 0 || f.fault === 'kill') {
      await sleep(f.duration);
      await nemesis.stop(f, id).catch((err) => errors.push((err as Error).message));
    }
  };
  const indexed = schedule.map((f, id) => ({ f, id }));
  const lanes = new Map<string, { f: Fault; id: number }[]>();
  const free: { f: Fault; id: number }[] = [];
  for (const x of indexed) {
    if (isProcess(x.f)) lanes.set(x.f.target, [...(lanes.get(x.f.target) ?? []), x]);
    else free.push(x);
  }
  await Promise.all([
    ...free.map(async ({ f, id }) => { await sleepUntil(f.at); await window(f, id); }),
    ...[...lanes.values()].map(async (lane) => {
      for (const { f, id } of lane.sort((a, b) => a.f.at - b.f.at)) {
        await sleepUntil(f.at);
        await window(f, id);
      }
    }),
  ]);
  return errors;
}
