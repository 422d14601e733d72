// The nemesis (Jepsen's fault injector): composes the fault families. Each fault goes to the
// family that declares its kind; every start and stop is recorded in the history, and so is every
// record a family injects and every crash point that fires. `healAll` undoes everything and is
// safe to call at any time, also after a failure of the harness itself.
import { Toxiproxy } from 'toxiproxy-node-client';
import type { EnvAddresses, ProcessControl } from '../environment/types.ts';
import type { FamilyRuntime, FaultContext, FaultFamily, FaultRecorder, FaultTools, PoisonRecord } from './family.ts';
import { FAMILIES, kindIndex } from './registry.ts';
import { createFaultTools } from './tools.ts';
import { getProvider } from '../environment/selectProvider.ts';
import { describeFault, type Fault, type FaultSchedule } from './types.ts';

export type { PoisonRecord } from './family.ts';

export interface NemesisOptions {
  env: EnvAddresses;
  recorder: FaultRecorder;
  /** Records of a poison case (from fixtures/poison). */
  poisonRecords: (caseName: string) => PoisonRecord[];
  /** Process control of the running provider (default: the local provider's). */
  control?: ProcessControl;
  log?: (line: string) => void;
  /** For tests: other families, tools, or no Toxiproxy reset. */
  families?: readonly FaultFamily[];
  tools?: FaultTools;
  resetProxies?: () => Promise<void>;
}

export interface Nemesis {
  start(f: Fault, faultId: number): Promise<void>;
  stop(f: Fault, faultId: number): Promise<void>;
  /** Heals every link, resumes paused and restarts dead processes, resolves what families left open. */
  healAll(): Promise<void>;
}

/**
 * The control of the provider that runs this environment (unless the caller hands one in),
 * resolved on first use so building a nemesis touches no provider.
 */
function providerControl(env: EnvAddresses, given?: ProcessControl): ProcessControl {
  let control = given;
  const controlOf = async (): Promise<ProcessControl> => (control ??= (await getProvider(env.provider)).control);
  const crashPointsOf = async () => {
    const c = (await controlOf()).crashPoints;
    if (!c) throw new Error(`the ${env.provider} provider cannot arm crash points`);
    return c;
  };
  return {
    kill: async (t) => (await controlOf()).kill(t),
    pause: async (t) => (await controlOf()).pause(t),
    resume: async (t) => (await controlOf()).resume(t),
    restart: async (t, o) => (await controlOf()).restart(t, o),
    identity: async (t) => (await controlOf()).identity(t),
    targets: async () => (await controlOf()).targets(),
    crashPoints: {
      arm: async (t, spec) => (await crashPointsOf()).arm(t, spec),
      fired: async (t) => (await crashPointsOf()).fired(t),
    },
  };
}

const errorOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createNemesis(opts: NemesisOptions): Nemesis {
  const log = opts.log ?? (() => undefined);
  // What the families inject reaches the history alone: it is the only contract with the judge.
  const recorder: FaultRecorder = opts.recorder;
  const tools = opts.tools ?? createFaultTools(opts.env);
  const lazyControl = providerControl(opts.env, opts.control);
  const ctx: FaultContext = { env: opts.env, control: lazyControl, recorder, log, poisonRecords: opts.poisonRecords, tools };
  const kinds = kindIndex(opts.families ?? FAMILIES);
  const runtimes = new Map<FaultFamily, FamilyRuntime>();
  const runtimeOf = (f: Fault): FamilyRuntime => {
    const entry = kinds.get(f.fault);
    if (!entry) throw new Error(`no fault family declares ${f.fault}`);
    let r = runtimes.get(entry.family);
    if (!r) runtimes.set(entry.family, (r = entry.family.create(ctx)));
    return r;
  };
  const toxi = new Toxiproxy(opts.env.toxiproxy.api);
  const resetProxies = opts.resetProxies ?? (() => toxi.reset());
  const params = (f: Fault) => f.params as Record<string, unknown>;
  const traits = (f: Fault) => {
    const t = kinds.get(f.fault)?.spec.traits;
    return t?.length ? { traits: [...t] } : {};
  };

  return {
    async start(f, id) {
      log(`fault ${id}: ${describeFault(f)}`);
      const began = recorder.now();
      let error: string | undefined;
      try {
        await runtimeOf(f).start(f, id);
      } catch (err) {
        error = errorOf(err);
        log(`fault ${id}: could not apply: ${error}`);
      }
      recorder.faultStart({
        faultId: id,
        fault: f.fault,
        target: f.target,
        params: params(f),
        ...traits(f),
        began,
        ...(error ? { error } : {}),
      });
      if (error) throw new Error(`nemesis could not apply ${describeFault(f)}: ${error}`);
    },
    async stop(f, id) {
      let error: string | undefined;
      try {
        await runtimeOf(f).stop(f, id);
      } catch (err) {
        error = errorOf(err);
      }
      recorder.faultStop({ faultId: id, fault: f.fault, target: f.target, params: params(f), ...traits(f), ...(error ? { error } : {}) });
      if (error) throw new Error(`nemesis could not heal ${describeFault(f)}: ${error}`);
    },
    async healAll() {
      await resetProxies().catch((err) => log(`heal: toxiproxy reset failed: ${errorOf(err)}`));
      for (const [family, r] of runtimes) await r.heal().catch((err) => log(`heal: ${family.name}: ${errorOf(err)}`));
      // Whatever should run runs again, whichever family (or crash) stopped it.
      const targets = await lazyControl.targets().catch(() => [] as string[]);
      for (const t of targets) {
        if ((await lazyControl.identity(t).catch(() => 'unknown')) !== undefined) continue;
        await lazyControl.restart(t, { graceful: false }).catch((err) => log(`heal: restart ${t} failed: ${errorOf(err)}`));
      }
      await tools.close();
    },
  };
}

/** The exclusive lane of a fault, if its family declares one (process faults on one target). */
function laneOf(f: Fault, families: readonly FaultFamily[]): string | undefined {
  return kindIndex(families).get(f.fault)?.spec.lane?.(f);
}

/**
 * Plays a schedule (times relative to now); resolves when every fault has started and stopped.
 * Faults in one lane (e.g. on one process) run one whole window after another (start, hold,
 * heal): a kill that comes due while the process is still restarting from the previous one waits,
 * then holds its full duration, instead of hitting a half-started or already dead process.
 */
export async function playSchedule(
  schedule: FaultSchedule,
  nemesis: Nemesis,
  signal?: AbortSignal,
  families: readonly FaultFamily[] = FAMILIES,
): Promise<string[]> {
  const t0 = Date.now();
  const errors: string[] = [];
  const index = kindIndex(families);
  const sleepUntil = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, t0 + ms - Date.now())));
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const window = async (f: Fault, id: number) => {
    if (signal?.aborted) return;
    try {
      await nemesis.start(f, id);
    } catch (err) {
      errors.push(errorOf(err));
      return;
    }
    if (index.get(f.fault)?.spec.timing !== 'instant') {
      await sleep(f.duration);
      await nemesis.stop(f, id).catch((err) => errors.push(errorOf(err)));
    }
  };
  const lanes = new Map<string, { f: Fault; id: number }[]>();
  const free: { f: Fault; id: number }[] = [];
  schedule.forEach((f, id) => {
    const lane = laneOf(f, families);
    if (lane) lanes.set(lane, [...(lanes.get(lane) ?? []), { f, id }]);
    else free.push({ f, id });
  });
  await Promise.all([
    ...free.map(async ({ f, id }) => {
      await sleepUntil(f.at);
      await window(f, id);
    }),
    ...[...lanes.values()].map(async (lane) => {
      for (const { f, id } of lane.sort((a, b) => a.f.at - b.f.at)) {
        await sleepUntil(f.at);
        await window(f, id);
      }
    }),
  ]);
  return errors;
}
