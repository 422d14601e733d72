// The Kafka client comparison (opt-in: `--only clients`): kafkajs, the client the system uses,
// against two maintained ones, on the same broker(s), topic settings and records, in one run.
// Produce: the relay's batches (500 records, idempotent, acks=all, one batch at a time, warm-up
// first) to a fresh topic per run. Consume: a pre-filled topic read from the beginning by a new
// group, each record through the same simulated processing. Clients alternate (A B C C B A …);
// per client and side the median and spread of the runs. A client that cannot be installed or
// loaded is a figure with its error; its runs are skipped.
import { join } from 'node:path';
import { createKafka, idempotentProducerConfig } from '../../../system/shared/kafka.ts';
import { topicConfig } from '../../../system/shared/topics.ts';
import { cacheDir } from '../../environment/paths.ts';
import type { EnvAddresses } from '../../environment/types.ts';
import { chunks } from '../fixtures.ts';
import { figure } from '../goals.ts';
import type { PhaseResult, Sizes } from '../phase.ts';
import { perSecond } from '../stats.ts';
import type { Log } from '../systemControl.ts';
import type { ClientAdapter, ClientName, KafkaTarget } from './clientApi.ts';
import { confluentClient } from './confluentClient.ts';
import { ensureInstalled, loadInstalled, type InstallOutcome } from './install.ts';
import { kafkajsClient } from './kafkajsClient.ts';
import { alternatingOrder } from './order.ts';
import { CANDIDATES, type Candidate } from './pins.ts';
import { platformaticClient } from './platformaticClient.ts';
import { Processing, PROCESS_BATCH, PROCESS_MS_PER_BATCH } from './processing.ts';
import { benchRecords, recordBatches } from './records.ts';
import { clientFigures, reportLines, type ClientOutcome, type Side } from './summary.ts';

const BATCH_SIZE = 500; // the relay's default batch
const WARMUP_BATCHES = 10;
const PARTITIONS = 3; // as the system's topic

/** Outside the run dir, which `env down` removes: a source build is paid once per machine, not per environment. */
export const clientsInstallRoot = (): string => join(cacheDir(), 'bench-clients');

const ADAPTERS: Record<Candidate['name'], (t: KafkaTarget, mod: unknown, version: string) => ClientAdapter> = {
  platformatic: platformaticClient,
  confluent: confluentClient,
};

/** A candidate installed (on demand, cached) and loaded, or the install outcome with its error. */
export async function candidate(
  c: Candidate,
  t: KafkaTarget,
  root: string,
  log: Log,
): Promise<{ install: InstallOutcome; adapter?: ClientAdapter }> {
  const install = await ensureInstalled(c, root, log);
  if (install.error || !install.dir) return { install };
  try {
    const mod = await loadInstalled(install.dir, c.pkg);
    return { install, adapter: ADAPTERS[c.name](t, mod, c.version) };
  } catch (err) {
    return { install: { ...install, error: `installed but not loadable: ${err instanceof Error ? err.message : String(err)}` } };
  }
}

interface Run {
  client: ClientName;
  side: Side;
  perSecond?: number;
  ms?: number;
  firstRecordMs?: number;
  error?: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** kafkajs always; each candidate once installed and loaded, else an outcome with its error. */
async function prepareClients(
  target: KafkaTarget,
  root: string,
  log: Log,
): Promise<{ adapters: ClientAdapter[]; outcomes: ClientOutcome[] }> {
  const kafkajs = kafkajsClient(target);
  const adapters: ClientAdapter[] = [kafkajs];
  const outcomes: ClientOutcome[] = [
    {
      name: 'kafkajs',
      install: { pkg: 'kafkajs', version: kafkajs.version, ms: 0, cached: true, build: 'project dependency', attempts: [] },
      rates: { produce: [], consume: [] },
      errors: [],
      guarantees: kafkajs.guarantees,
    },
  ];
  for (const c of CANDIDATES) {
    const { install, adapter } = await candidate(c, target, root, log);
    if (adapter) adapters.push(adapter);
    else log(`  ${c.name}: not measured: ${install.error}`);
    outcomes.push({
      name: c.name,
      install,
      rates: { produce: [], consume: [] },
      errors: [],
      ...(adapter ? { guarantees: adapter.guarantees } : {}),
    });
  }
  return { adapters, outcomes };
}

/** Every run of one side, in `order`; a failed run is recorded and the next one runs. */
async function runSide(
  side: Side,
  order: readonly ClientAdapter[],
  outcomes: ClientOutcome[],
  runs: Run[],
  log: Log,
  once: (a: ClientAdapter) => Promise<Omit<Run, 'client' | 'side'>>,
): Promise<void> {
  for (const a of order) {
    const r = await once(a).catch((err: unknown) => ({ error: message(err) }) as Omit<Run, 'client' | 'side'>);
    runs.push({ client: a.name, side, ...r });
    const o = outcomes.find((x) => x.name === a.name)!;
    if (r.perSecond !== undefined) o.rates[side].push(r.perSecond);
    if (r.error) o.errors.push(`${side}: ${r.error}`);
    log(`  ${side} ${a.name}: ${r.error ? `FAILED: ${r.error}` : `${Math.round(r.perSecond ?? 0)} records/s`}`);
  }
}

export async function clientsPhase(addr: EnvAddresses, s: Sizes, log: Log, root = clientsInstallRoot()): Promise<PhaseResult> {
  const target: KafkaTarget = { brokers: addr.kafka.internal, sasl: addr.kafka.sasl };
  const rf = Math.min(addr.kafka.brokers, 3);
  const { adapters, outcomes } = await prepareClients(target, root, log);
  const order = alternatingOrder(adapters, s.clientsRepetitions);
  const runs: Run[] = [];

  const admin = createKafka({ brokers: addr.kafka.internal, clientId: 'faultline-bench-clients-admin', sasl: addr.kafka.sasl }).admin();
  await admin.connect();
  const topics: string[] = [];
  const newTopic = async (label: string) => {
    const topic = `faultline-bench-clients-${label}-${Date.now()}`;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: rf, configEntries: topicConfig(rf) }],
    });
    topics.push(topic);
    return topic;
  };
  try {
    const batches = recordBatches(s.clientsProduceRecords, BATCH_SIZE);
    const warmup = recordBatches(BATCH_SIZE * WARMUP_BATCHES, BATCH_SIZE);
    await runSide('produce', order, outcomes, runs, log, async (a) => {
      const topic = await newTopic(`produce-${a.name}`);
      const r = await a.produceBatches(topic, warmup, batches);
      await admin.deleteTopics({ topics: [topic], timeout: 30_000 }).catch(() => undefined);
      return { perSecond: perSecond(r.records, r.ms), ms: r.ms };
    });

    const consumeTopic = await newTopic('consume');
    await fill(target, consumeTopic, s.clientsConsumeRecords);
    log(`  topic pre-filled with ${s.clientsConsumeRecords} records`);
    await runSide('consume', order, outcomes, runs, log, async (a) => {
      const processing = new Processing();
      const r = await a.consumeAll(consumeTopic, s.clientsConsumeRecords, processing);
      if (processing.processed !== s.clientsConsumeRecords)
        throw new Error(`processed ${processing.processed} records, expected ${s.clientsConsumeRecords}`);
      return { perSecond: perSecond(r.records, r.ms), ms: r.ms, firstRecordMs: r.firstRecordMs };
    });
  } finally {
    await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
    await admin.disconnect();
  }
  return result(s, rf, root, order, outcomes, runs);
}

function result(s: Sizes, rf: number, root: string, order: readonly ClientAdapter[], outcomes: ClientOutcome[], runs: Run[]): PhaseResult {
  return {
    figures: [
      ...clientFigures(outcomes),
      ...outcomes
        .filter((o) => o.name !== 'kafkajs')
        .map((o) =>
          figure({
            name: `clients install: ${o.name}`,
            value: o.install.ms / 1000,
            unit: 's',
            note: o.install.error
              ? `FAILED: ${o.install.error}`
              : `${o.install.build}${o.install.cached ? ', cached (time of the first install)' : ''}`,
          }),
        ),
    ],
    breakdown: {
      sizes: { produceRecords: s.clientsProduceRecords, consumeRecords: s.clientsConsumeRecords, repetitions: s.clientsRepetitions },
      produce: { batchSize: BATCH_SIZE, warmupBatches: WARMUP_BATCHES, partitions: PARTITIONS, replicationFactor: rf },
      consume: {
        processing: `JSON.parse of every value, ${PROCESS_MS_PER_BATCH} ms wait per ${PROCESS_BATCH} records`,
        rate: 'first record delivered → last record processed',
      },
      order: order.map((a) => a.name),
      installRoot: root,
      clients: Object.fromEntries(
        outcomes.map((o) => [o.name, { install: o.install, guarantees: o.guarantees, rates: o.rates, errors: o.errors }]),
      ),
      runs,
    },
    notes: [
      ...reportLines(outcomes),
      ...outcomes.flatMap((o) =>
        o.guarantees ? [`${o.name} produce: ${o.guarantees.produce}`, `${o.name} consume: ${o.guarantees.consume}`] : [],
      ),
    ],
  };
}

/** The consume topic's records, written as the relay would (kafkajs, idempotent, acks=all). */
async function fill(t: KafkaTarget, topic: string, n: number): Promise<void> {
  const producer = createKafka({ brokers: t.brokers, clientId: 'faultline-bench-clients-fill', sasl: t.sasl }).producer(
    idempotentProducerConfig(),
  );
  await producer.connect();
  try {
    for (const batch of chunks(benchRecords(n), 1000)) {
      const messages = batch.map((r) => ({
        key: r.key,
        value: r.value,
        headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Buffer.from(v, 'utf8')])),
      }));
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}
