// A dead-letter topic that takes less than the main topic (an operator's own topic, a broker
// default): for the fault's window the topic's max.message.bytes is lowered, so a large record the
// main topic accepted can only reach the dead-letter topic as a cut copy, which must say it was
// cut. The topic's own settings come back when the window ends.
import kafkajs, { type Admin } from 'kafkajs';
import fc from 'fast-check';
import { DLQ_TOPIC } from '../../system/shared/events.ts';
import type { FaultFamily, KindSpec } from './family.ts';

export interface DlqLimitParams {
  'dlq-size-limit': { bytes: number };
}

const LIMIT = 'max.message.bytes';
const { ConfigResourceTypes } = kafkajs; // a CommonJS module: no named export at run time

/** The topic's own (non-default) settings: a full alterConfigs replaces them all, so send them back. */
async function ownConfig(admin: Admin): Promise<Map<string, string>> {
  const d = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: DLQ_TOPIC }] });
  const entries = d.resources[0]?.configEntries ?? [];
  return new Map(entries.filter((e) => !e.isDefault && !e.readOnly && e.configValue !== null).map((e) => [e.configName, e.configValue]));
}

async function setConfig(admin: Admin, config: ReadonlyMap<string, string>): Promise<void> {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: DLQ_TOPIC,
        configEntries: [...config].map(([name, value]) => ({ name, value })),
      },
    ],
  });
}

const spec: KindSpec = {
  params: { bytes: { kind: 'int', min: 1024, max: 8 * 1024 * 1024, required: true } },
  timing: 'window',
  targets: { accepts: (t) => t === DLQ_TOPIC, choices: [DLQ_TOPIC] },
  arbitrary: () => fc.record({ bytes: fc.constantFrom(256 * 1024, 512 * 1024) }),
  exclusive: () => `topic-config:${DLQ_TOPIC}`,
  random: false, // only meaningful beside an oversized poison record: asked for by name
};

export const dlqLimitFamily: FaultFamily = {
  name: 'dead-letter topic size limit',
  kinds: { 'dlq-size-limit': spec } satisfies Record<keyof DlqLimitParams, KindSpec>,
  create(ctx) {
    let saved: Map<string, string> | undefined;
    const restore = async () => {
      if (!saved) return;
      await setConfig(await ctx.tools.kafkaAdmin(), saved);
      saved = undefined;
    };
    return {
      async start(f) {
        const admin = await ctx.tools.kafkaAdmin();
        saved = await ownConfig(admin);
        const bytes = (f.params as DlqLimitParams['dlq-size-limit']).bytes;
        await setConfig(admin, new Map([...saved, [LIMIT, String(bytes)]]));
        ctx.log(`${DLQ_TOPIC}: ${LIMIT} ${saved.get(LIMIT) ?? 'default'} → ${bytes}`);
      },
      stop: restore,
      heal: restore,
    };
  },
};
