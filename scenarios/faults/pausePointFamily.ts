// Pause points: the crash points armed to freeze instead of die. The process SIGSTOPs itself on
// the Nth pass through the point, inside the window (holding its claims, locks, transaction and
// group membership), and the family SIGCONTs it when the fault's window ends: a zombie woken at a
// known place, e.g. a projector between its read-DB commit and its offset commit after its
// partitions moved on, or a relay between its claim and its send while the others go on.
import type { FaultFamily, KindSpec } from './family.ts';
import { checkPointMatchesTarget, crashControl, pointSpec } from './crashPointFamily.ts';
import type { FaultShape as Fault } from './fault.ts';

export interface PausePointParams {
  'pause-point': { point: string; nth?: number };
}

// Only fixed schedules: a random one could freeze a process past any scenario's bounds.
const spec: KindSpec = { ...pointSpec, random: false };

export const pausePointFamily: FaultFamily = {
  name: 'pause points',
  kinds: { 'pause-point': spec } satisfies Record<keyof PausePointParams, KindSpec>,
  create(ctx) {
    const seen = new Map<number, { target: string; before: number }>();
    const frozen = new Set<string>(); // fired and not yet resumed
    const firedSince = async (target: string, before: number) => (await crashControl(ctx).fired(target)).slice(before);
    return {
      async start(f, id) {
        const why = checkPointMatchesTarget(f as unknown as { target: string; params: Record<string, unknown> });
        if (why) throw new Error(why);
        const p = f.params as PausePointParams['pause-point'];
        const cp = crashControl(ctx);
        seen.set(id, { target: f.target, before: (await cp.fired(f.target)).length });
        await cp.arm(f.target, `${p.point}:${p.nth ?? 1}:pause`);
      },
      async stop(f: Fault, id) {
        const w = seen.get(id);
        seen.delete(id);
        if (!w) return;
        const fired = await firedSince(f.target, w.before);
        if (fired.length === 0) {
          await crashControl(ctx).arm(f.target, '');
          ctx.log(`fault ${id}: ${(f.params as PausePointParams['pause-point']).point} did not fire within the window; disarmed`);
          return;
        }
        ctx.log(`fault ${id}: ${f.target} froze at ${fired.map((e) => e.crashPoint).join(', ')}; resuming it`);
        frozen.add(f.target);
        await ctx.control.resume(f.target);
        frozen.delete(f.target);
      },
      async heal() {
        for (const { target, before } of seen.values()) {
          if ((await firedSince(target, before).catch(() => [])).length > 0) frozen.add(target);
          await crashControl(ctx)
            .arm(target, '')
            .catch(() => undefined);
        }
        seen.clear();
        for (const t of frozen) await ctx.control.resume(t).catch((err: Error) => ctx.log(`heal: resume ${t}: ${err.message}`));
        frozen.clear();
      },
    };
  },
};
