// Another application takes the projector's consumer group id (a copied config, a shared default):
// its consumer joins the group with an assignor no projector speaks, while the projectors are down.
// A projector that then starts cannot join (INCONSISTENT_GROUP_PROTOCOL, which no client retries)
// and must say so by exiting, so its supervisor keeps restarting it until the group is free again.
// One that stays up outside its group consumes nothing, for good, while it looks alive.
//
// The window: every running projector is SIGKILLed, the intruder joins once the dead members'
// sessions expire, and the projectors are started again (each is expected to exit). At its end the
// intruder leaves, and the projectors that exited are started, as a supervisor would; a projector
// still running is left as it is (a supervisor restarts only what exits).
import fc from 'fast-check';
import { AssignerProtocol, type Consumer, type PartitionAssigner } from 'kafkajs';
import { TOPIC } from '../../system/shared/events.ts';
import { harnessKafka } from '../environment/harnessKafka.ts';
import { isProjectorTarget, PROJECTOR_GROUP } from './duplicateFamily.ts';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';

export interface GroupCollisionParams {
  'group-collision': Record<string, never>;
}

/** The protocol (assignor) name the intruder offers: no projector offers it. */
export const INTRUDER_PROTOCOL = 'faultline-intruder';
const JOIN_WITHIN_MS = 30_000; // the killed members' sessions (6 s in the harness) expire well before
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Assigns nothing to anyone: the intruder only holds the group. */
const intruderAssigner: PartitionAssigner = () => ({
  name: INTRUDER_PROTOCOL,
  version: 0,
  assign: async ({ members }) =>
    members.map((m) => ({
      memberId: m.memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: {}, userData: Buffer.alloc(0) }),
    })),
  protocol: ({ topics }) => ({
    name: INTRUDER_PROTOCOL,
    metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
  }),
});

/** Joins the group as soon as it is empty; a join refused while the dead sessions last is tried again. */
async function holdGroup(env: FaultContext['env'], id: number): Promise<Consumer> {
  const kafka = harnessKafka(env, 'faultline-intruder');
  const deadline = Date.now() + JOIN_WITHIN_MS;
  let last = 'no attempt';
  for (;;) {
    const c = kafka.consumer({
      groupId: PROJECTOR_GROUP,
      partitionAssigners: [intruderAssigner],
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      retry: { retries: 0, restartOnFailure: async () => false },
    });
    const joined = new Promise<boolean>((resolve) => {
      c.on(c.events.GROUP_JOIN, () => resolve(true));
      c.on(c.events.CRASH, (e) => {
        last = e.payload.error.message;
        resolve(false);
      });
      setTimeout(() => resolve(false), 15_000).unref();
    });
    try {
      await c.connect();
      await c.subscribe({ topics: [TOPIC] });
      await c.run({ autoCommit: false, eachBatch: async () => undefined });
      if (await joined) return c;
    } catch (err) {
      last = (err as Error).message;
    }
    await c.disconnect().catch(() => undefined);
    if (Date.now() > deadline)
      throw new Error(`fault ${id}: the intruder could not join group ${PROJECTOR_GROUP} within ${JOIN_WITHIN_MS} ms: ${last}`);
    await sleep(300);
  }
}

/** Starts each member while the intruder holds the group: each is expected to exit, unable to join. */
async function startWhileHeld(
  control: FaultContext['control'],
  log: FaultContext['log'],
  members: readonly string[],
  id: number,
): Promise<void> {
  for (const m of members) {
    const t0 = Date.now();
    try {
      await control.restart(m, { graceful: false });
      log(`fault ${id}: ${m} started and reported ready while the intruder held its group`);
    } catch (err) {
      const why = (err as Error).message.split('\n')[0]!;
      log(
        /exited/.test(why)
          ? `fault ${id}: ${m} exited ${Date.now() - t0} ms after its start, unable to join its group (as it must): ${why}`
          : `fault ${id}: ${m} neither joined its group nor exited: ${why}`,
      );
    }
  }
}

const spec: KindSpec = {
  params: {},
  timing: 'window',
  targets: { accepts: (t) => t === 'projector', choices: ['projector'], describe: "'projector' (the group of every projector)" },
  arbitrary: () => fc.constant({}),
  exclusive: () => 'projector-group',
  lane: () => 'projector-group',
  traits: ['crashes-process'],
  // Fixed schedules only: it needs a window long enough for the sessions to expire and a start.
  random: false,
};

export const groupCollisionFamily: FaultFamily = {
  name: 'group id collisions',
  kinds: { 'group-collision': spec } satisfies Record<keyof GroupCollisionParams, KindSpec>,
  create({ env, control, log }) {
    let intruder: Consumer | undefined;
    let members: string[] = [];
    let starts: Promise<void> | undefined;

    /** Starts what exited (as a supervisor would); says what was left running. */
    async function restartExited(id: number): Promise<void> {
      for (const m of members) {
        if ((await control.identity(m).catch(() => undefined)) === undefined) {
          await control.restart(m, { graceful: false });
          log(`fault ${id}: ${m} started again after the intruder left`);
        } else log(`fault ${id}: ${m} is still running, outside its group: left as it is (a supervisor restarts only what exits)`);
      }
    }

    async function release(): Promise<void> {
      const c = intruder;
      intruder = undefined;
      await c?.disconnect();
    }

    return {
      async start(_f, id) {
        members = [];
        for (const t of (await control.targets()).filter(isProjectorTarget))
          if ((await control.identity(t).catch(() => undefined)) !== undefined) members.push(t);
        for (const m of members) await control.kill(m);
        const began = Date.now();
        intruder = await holdGroup(env, id);
        log(
          `fault ${id}: an intruder holds group ${PROJECTOR_GROUP} with protocol ${INTRUDER_PROTOCOL} (joined ${Date.now() - began} ms after ${members.join(', ')} were killed)`,
        );
        // In the background: a projector that cannot join exits at once; one that does not is only
        // given up on after the start timeout, and the schedule must not wait for that.
        starts = startWhileHeld(control, log, members, id);
      },
      async stop(_f, id) {
        await starts;
        starts = undefined;
        await release();
        await restartExited(id);
      },
      async heal() {
        await starts?.catch(() => undefined);
        starts = undefined;
        await release().catch((err: Error) => log(`heal: intruder disconnect: ${err.message}`));
        for (const m of members)
          if ((await control.identity(m).catch(() => undefined)) === undefined)
            await control.restart(m, { graceful: false }).catch((err: Error) => log(`heal: restart ${m}: ${err.message}`));
        members = [];
      },
    };
  },
};
