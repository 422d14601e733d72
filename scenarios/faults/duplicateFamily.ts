// Duplicate delivery: rewind the projector group's committed offsets (every record since is
// delivered again), or mark published outbox rows unpublished (the relay sends them again).
import fc from 'fast-check';
import { TOPIC } from '../../system/shared/events.ts';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';
import { COUNT } from './params.ts';
import { waitUntil } from './wait.ts';

export interface DuplicateParams {
  duplicate: { count: number }; // offsets rewound per partition / outbox rows re-published
}

/** `projector`: rewind the consumer group's offsets; `relay`: re-publish already published outbox rows. */
export const DUPLICATE_TARGETS = ['projector', 'relay'] as const;
export const PROJECTOR_GROUP = 'projector';
/** A target that is one of the projector group's members: 'projector' or 'projector#N'. */
export const isProjectorTarget = (t: string) => t === 'projector' || t.startsWith('projector#');

async function rewindProjector(ctx: FaultContext, faultId: number, count: number): Promise<void> {
  const { control, tools, recorder } = ctx;
  // Offsets of a group can only be set while it has no members: stop every projector first.
  const projectors = (await control.targets()).filter(isProjectorTarget);
  for (const p of projectors) await control.kill(p);
  const admin = await tools.kafkaAdmin();
  try {
    await waitUntil(async () => (await admin.describeGroups([PROJECTOR_GROUP])).groups[0]?.state !== 'Stable', 30_000);
    await waitUntil(async () => {
      const [committed] = await admin.fetchOffsets({ groupId: PROJECTOR_GROUP, topics: [TOPIC] });
      const partitions = (committed?.partitions ?? [])
        .filter((p) => Number(p.offset) >= 0)
        .map((p) => ({ partition: p.partition, offset: String(Math.max(0, Number(p.offset) - count)) }));
      await admin.setOffsets({ groupId: PROJECTOR_GROUP, topic: TOPIC, partitions });
      for (const p of partitions) recorder.inject({ faultId, what: 'duplicate', topic: TOPIC, partition: p.partition, offset: p.offset });
      return true;
    }, 30_000);
  } finally {
    for (const p of projectors) await control.restart(p, { graceful: false });
  }
}

async function republish(ctx: FaultContext, faultId: number, count: number): Promise<void> {
  const rows = await ctx.tools.query<{ id: number; event_id: string; stream_id: string; stream_version: number }>(
    'commands',
    'SELECT id, event_id, stream_id, stream_version FROM outbox WHERE published_at IS NOT NULL ORDER BY id DESC LIMIT ?',
    [count],
  );
  if (rows.length === 0) return;
  // The relay sees these rows as never published and sends them again: duplicates on the topic.
  await ctx.tools.query(
    'commands',
    `UPDATE outbox SET published_at = NULL WHERE id IN (${rows.map(() => '?').join(',')})`,
    rows.map((r) => r.id),
  );
  // Where the relay will put them is not known yet: partition -1 / offset -1 say "sent again by the relay".
  for (const r of rows) {
    ctx.recorder.inject({
      faultId,
      what: 'duplicate',
      topic: TOPIC,
      partition: -1,
      offset: '-1',
      key: r.stream_id,
      eventId: r.event_id,
      streamId: r.stream_id,
      streamVersion: Number(r.stream_version),
    });
  }
}

const spec: KindSpec = {
  traits: ['copies-records', 'republishes-rows'],
  params: { count: COUNT(100_000, true) },
  timing: 'instant',
  targets: { accepts: (t) => (DUPLICATE_TARGETS as readonly string[]).includes(t), choices: DUPLICATE_TARGETS },
  arbitrary: () => fc.record({ count: fc.integer({ min: 1, max: 50 }) }),
  // Rewinding stops the projector: not while another process fault holds it.
  lane: (f) => (f.target === 'projector' ? 'process:projector' : undefined),
};

export const duplicateFamily: FaultFamily = {
  name: 'duplicates',
  kinds: { duplicate: spec } satisfies Record<keyof DuplicateParams, KindSpec>,
  create(ctx) {
    return {
      start: (f, id) => {
        const { count } = f.params as DuplicateParams['duplicate'];
        return f.target === 'projector' ? rewindProjector(ctx, id, count) : republish(ctx, id, count);
      },
      stop: async () => undefined,
      heal: async () => undefined,
    };
  },
};
