// Broker faults that name a role, not a node: the leader of a busy partition, the active KRaft
// controller, a broker's inbound replication. The node is resolved when the fault starts (leaders
// move: a fixed `kafka-2` would often hit a follower), logged, and undone by node at the stop.
import fc from 'fast-check';
import type { Admin } from 'kafkajs';
import { Toxiproxy } from 'toxiproxy-node-client';
import { TOPIC } from '../../system/shared/events.ts';
import { brokerTarget, quickAdmin } from '../environment/brokerMetadata.ts';
import { electPreferredLeaders } from '../environment/preferredLeaders.ts';
import { activeController } from '../environment/quorum.ts';
import type { EnvAddresses } from '../environment/types.ts';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';
import { COUNT, MS } from './params.ts';
import type { FaultShape as Fault } from './fault.ts';

export interface BrokerFaultParams {
  /**
   * SIGKILL the broker leading the `rank`-th busiest partition (1 = most records, ranked once per
   * run at its first broker-role fault); restart after `duration`.
   */
  'kill-leader': { rank?: number };
  /**
   * Restart the broker leading the `rank`-th busiest partition gracefully (SIGTERM: a controlled
   * shutdown hands its leaderships to the followers first, as in a rolling restart), while the
   * publisher's requests to it are held `holdMs` in its proxy: sends are in flight to the old
   * leader when its partitions move to brokers that already answered the same send.
   */
  'restart-leader': { rank?: number; holdMs?: number };
  /** SIGKILL the active KRaft controller; restart after `duration`. */
  'kill-controller': Record<string, never>;
  /**
   * Disable one broker's inbound replication proxy for `duration`: the others cannot fetch from it,
   * so what it leads falls to ISR [itself] (and refuses acks=all) while the controller quorum still
   * reaches it. The broker is the leader, or a follower, of the `rank`-th busiest partition.
   */
  'cut-replication': { role: 'leader' | 'follower'; rank?: number };
}

export interface PartitionFacts {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  records: number; // high watermark: how busy it has been
}

/** The `rank`-th busiest partition (1-based), ties to the lower partition number. Pure. */
export function byBusiness(ps: readonly PartitionFacts[], rank: number): PartitionFacts {
  const sorted = [...ps].sort((a, b) => b.records - a.records || a.partition - b.partition);
  const p = sorted[Math.min(rank, sorted.length) - 1];
  if (!p) throw new Error(`${TOPIC} has no partitions`);
  return p;
}

/**
 * The `rank`-th partition of a ranking made once, at a run's first broker-role fault, with its
 * current leader and replicas. Ranks re-drawn at each fault drift: the high watermark of a
 * partition whose leader is cut off from its followers stops advancing, others overtake it, and
 * "kill the leader of the busiest" then hits another node than the one cut a moment before. Pure.
 */
export function rankedPartition(ps: readonly PartitionFacts[], ranking: readonly number[], rank: number): PartitionFacts {
  const id = ranking[Math.min(rank, ranking.length) - 1];
  const p = ps.find((x) => x.partition === id);
  if (!p) throw new Error(`${TOPIC} has no partition ${id ?? rank} (ranking ${ranking.join(',')})`);
  return p;
}

/** Partition ids from busiest to quietest (see byBusiness). Pure. */
export const ranking = (ps: readonly PartitionFacts[]): number[] => ps.map((_, i) => byBusiness(ps, i + 1).partition);

/**
 * Where `node`'s leaderships go when it shuts down gracefully: the controller gives each of its
 * partitions to the first other replica, in assignment order, that is in the ISR. Pure.
 */
export function successors(ps: readonly PartitionFacts[], node: number): Map<number, number | undefined> {
  return new Map(ps.filter((p) => p.leader === node).map((p) => [p.partition, p.replicas.find((r) => r !== node && p.isr.includes(r))]));
}

/**
 * Does a graceful restart of `node` open the window a send resolves in without an answer for some
 * of its partitions? Only if every partition it leads goes to a broker that leads a partition of
 * its own, and so answers the same (large) send before `node` fails it. Pure.
 */
export function handsOverToAnswered(ps: readonly PartitionFacts[], node: number): boolean {
  const leaders = new Set(ps.map((p) => p.leader).filter((l) => l !== node));
  const next = [...successors(ps, node).values()];
  return next.length > 0 && next.every((s) => s !== undefined && leaders.has(s));
}

const leadership = (ps: readonly PartitionFacts[]) =>
  ps.map((p) => `${p.partition}→${p.leader} [${p.replicas.join(',')}] isr ${p.isr.join(',')}`).join('; ');

/** The node to cut for a role: the leader, or the first follower not already cut. Pure. */
export function replicaFor(p: PartitionFacts, role: 'leader' | 'follower', alreadyCut: ReadonlySet<number>): number {
  if (role === 'leader') {
    if (p.leader < 0) throw new Error(`partition ${p.partition} has no leader`);
    return p.leader;
  }
  const f = p.replicas.find((r) => r !== p.leader && !alreadyCut.has(r));
  if (f === undefined) throw new Error(`partition ${p.partition} has no follower left to cut (replicas ${p.replicas.join(',')})`);
  return f;
}

/**
 * Partition facts through one admin client per run, connected at first use: a fresh client per
 * fault (connect, authenticate, discover) took seconds on a loaded machine, long enough for a kill
 * meant to follow a replication cut by 1.5 s to land after the ISR had already shrunk.
 */
function partitionReader(env: EnvAddresses) {
  let admin: Admin | undefined;
  const drop = async () => {
    const a = admin;
    admin = undefined;
    await a?.disconnect().catch(() => undefined);
  };
  const once = async (): Promise<PartitionFacts[]> => {
    if (!admin) {
      const a = quickAdmin(env, 'faultline-broker-faults');
      await a.connect();
      admin = a;
    }
    // One after the other: a fresh kafkajs admin answers concurrent first calls with "Broker not connected".
    const md = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    const high = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
    return md.topics[0]!.partitions.map((p) => ({
      partition: p.partitionId,
      leader: p.leader,
      replicas: [...p.replicas],
      isr: [...p.isr],
      records: high.get(p.partitionId) ?? 0,
    }));
  };
  return {
    /** A fault that cannot find its node was not applied: worth a few tries on a saturated machine. */
    async read(attempts = 3): Promise<PartitionFacts[]> {
      for (let i = 1; ; i++) {
        try {
          return await once();
        } catch (err) {
          await drop(); // its broker may be the one just killed: start over from the bootstrap list
          if (i >= attempts) throw err;
          await new Promise((r) => setTimeout(r, 500 * i));
        }
      }
    },
    close: drop,
  };
}

function controllerNode(env: EnvAddresses): number {
  if (!env.kafka.quorumStateFiles) throw new Error(`the ${env.provider} provider does not say where KRaft records its leader`);
  const c = activeController(env.kafka.quorumStateFiles);
  if (!c) throw new Error('no node has recorded an active controller (an election in progress?)');
  return c.leaderId;
}

const needsBrokers = (env: EnvAddresses) => {
  if (env.kafka.brokers < 2) throw new Error(`broker role faults need more than one broker; this environment has ${env.kafka.brokers}`);
};

/**
 * How long a restarted leader's publisher requests are held when the fault does not say: longer
 * than a controlled shutdown takes to move its leaderships (about a heartbeat, 1 s here).
 */
const DEFAULT_HOLD_MS = 4_000;
/** How long the preferred leaders get to take over after the election. */
const BALANCE_WAIT_MS = 5_000;

/** Ranks drawn by schedules that ask for these kinds: the three busiest partitions. */
const RANK = fc.integer({ min: 1, max: 3 });

const spec = (
  params: KindSpec['params'],
  target: string,
  serial: boolean,
  arbitrary: KindSpec['arbitrary'] = () => fc.constant({}),
): KindSpec => ({
  params,
  timing: 'window',
  targets: { accepts: (t) => t === target, choices: [target] },
  traits: ['acts-on-brokers'],
  arbitrary,
  // Kills one at a time, each resolved against the cluster the previous restart left; replication
  // cuts may overlap (a follower, then the leader too), each cutting a node not already cut.
  ...(serial ? { exclusive: () => 'process:broker-role', lane: () => 'broker-role' } : {}),
  // They need three brokers: drawn only by schedules that name them (random-schedule runs on one).
  random: false,
});

export const brokerFamily: FaultFamily = {
  name: 'broker roles',
  kinds: {
    'kill-leader': spec({ rank: COUNT(64) }, TOPIC, true, () => fc.record({ rank: RANK })),
    'restart-leader': spec({ rank: COUNT(64), holdMs: MS() }, TOPIC, true, () =>
      fc.record({ rank: RANK, holdMs: fc.integer({ min: 100, max: 2_000 }) }),
    ),
    'kill-controller': spec({}, 'kafka', true),
    'cut-replication': spec({ role: { kind: 'enum', values: ['leader', 'follower'], required: true }, rank: COUNT(64) }, TOPIC, false, () =>
      fc.record({ role: fc.constantFrom('leader', 'follower'), rank: RANK }),
    ),
  } satisfies Record<keyof BrokerFaultParams, KindSpec>,
  create: (ctx) => brokerRuntime(ctx),
};

/** The proxies broker faults act on, by node: its inbound replication, and the publisher's link to it. */
function brokerProxies(env: EnvAddresses) {
  const toxi = new Toxiproxy(env.toxiproxy.api);
  return {
    async setReplication(node: number, enabled: boolean) {
      const name = env.kafka.replication?.[node - 1]?.name;
      if (!name) throw new Error(`no replication proxy for broker ${node} in this environment`);
      const proxy = await toxi.get(name);
      await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
    },
    /** Holds the publisher's requests to one broker `holdMs` (a Kafka link has one proxy per broker). */
    async holdPublisher(node: number, id: number, holdMs: number, on: boolean) {
      const name = env.links['relay-kafka'][node - 1]?.name;
      if (!name) throw new Error(`no publisher proxy for broker ${node} in this environment`);
      const proxy = await toxi.get(name);
      const toxic = `faultline-${id}-restart-leader-hold`;
      if (on)
        await proxy.addToxic({
          name: toxic,
          type: 'latency',
          stream: 'upstream',
          toxicity: 1,
          attributes: { latency: holdMs, jitter: 0 },
        } as never);
      else await (await proxy.getToxic(toxic)).remove().catch(() => undefined);
    },
  };
}

/** Leadership back on the preferred replicas: earlier failovers may have left one broker leading every partition. */
async function balance(reader: ReturnType<typeof partitionReader>, log: (l: string) => void, id: number): Promise<PartitionFacts[]> {
  const election = await electPreferredLeaders(TOPIC);
  log(`fault ${id}: preferred-leader election: ${election.lines.join('; ')}`);
  const deadline = Date.now() + BALANCE_WAIT_MS;
  for (;;) {
    const facts = await reader.read();
    if (facts.every((x) => x.leader === x.replicas[0]) || Date.now() > deadline) return facts;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The node a restart-leader restarts: the ranked partition's leader if its restart opens the
 * window, else another leader whose does, else (window not forced) the ranked one. Pure.
 */
export function restartTarget(facts: readonly PartitionFacts[], ranked: number): { node: number; forced: boolean } {
  const candidates = [ranked, ...new Set(facts.map((x) => x.leader).filter((l) => l >= 0 && l !== ranked))];
  const node = candidates.find((n) => handsOverToAnswered(facts, n));
  return node === undefined ? { node: ranked, forced: false } : { node, forced: true };
}

interface RestartLeaderDeps {
  ctx: FaultContext;
  reader: ReturnType<typeof partitionReader>;
  leaderOf(id: number, rank: number | undefined): Promise<PartitionFacts>;
  /** Holds the publisher's requests to `node` (undone when the fault stops). */
  hold(node: number, holdMs: number): Promise<void>;
}

/** See BrokerFaultParams['restart-leader']. */
async function restartLeader(d: RestartLeaderDeps, id: number, p: BrokerFaultParams['restart-leader']): Promise<void> {
  const { ctx } = d;
  const facts = await balance(d.reader, ctx.log, id);
  ctx.log(`fault ${id}: leaders: ${leadership(facts)}`);
  const part = await d.leaderOf(id, p.rank);
  const ranked = replicaFor(part, 'leader', new Set());
  const { node, forced } = restartTarget(facts, ranked);
  const holdMs = p.holdMs ?? DEFAULT_HOLD_MS;
  const next = [...successors(facts, node)].map(([part, to]) => `${part}→${to ?? 'none'}`).join(', ');
  const whose =
    node === ranked
      ? `leader of partition ${part.partition}`
      : `${ranked}, leader of partition ${part.partition}, hands over to brokers that lead nothing`;
  ctx.log(
    forced
      ? `fault ${id}: node ${node} (${whose}) hands over ${next}: holding the publisher's requests to it ${holdMs} ms, then restarting it gracefully`
      : `fault ${id}: WINDOW NOT FORCED: no broker hands all it leads to brokers that lead partitions too (${next}); restarting node ${node} gracefully anyway`,
  );
  await d.hold(node, holdMs);
  // The first send after the hold waits `holdMs` on this node while rows pile up; the next one is
  // large enough to span every broker, and is still held when the shutdown moves the leaderships.
  await new Promise((r) => setTimeout(r, holdMs + 500));
  await ctx.control.restart(brokerTarget(node), { graceful: true });
}

/**
 * How long a killed leader stays down at least, from its kill: past the controller's fencing of it
 * (BROKER_SESSION_TIMEOUT_MS) and whatever election follows. A restart any sooner could bring it
 * back before its partition is given to anyone, and the window of an election (clean or not)
 * would open only when the machine happens to be slow.
 */
export const ELECTION_WAIT_MS = 12_000;

/** Until the killed leader's partition has another leader, or ELECTION_WAIT_MS from the kill: what happened is logged. */
async function leadershipMoved(
  reader: ReturnType<typeof partitionReader>,
  log: (l: string) => void,
  k: { partition: number; node: number; at: number },
  id: number,
): Promise<void> {
  for (;;) {
    const p = (await reader.read().catch(() => [])).find((x) => x.partition === k.partition);
    if (p && p.leader >= 0 && p.leader !== k.node) {
      log(
        `fault ${id}: partition ${k.partition} is led by node ${p.leader} (ISR ${p.isr.join(',')}) ${Date.now() - k.at} ms after node ${k.node}'s kill`,
      );
      return;
    }
    if (Date.now() - k.at > ELECTION_WAIT_MS) {
      log(
        `fault ${id}: partition ${k.partition} had no other leader ${ELECTION_WAIT_MS} ms after node ${k.node}'s kill (leader ${p?.leader ?? 'unknown'}, ISR ${p?.isr.join(',') ?? 'unknown'}): no replica in sync was left to elect`,
      );
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function brokerRuntime(ctx: FaultContext) {
  // fault id → target, and for a killed leader what it led
  const killed = new Map<number, { target: string; leading?: { partition: number; node: number; at: number } }>();
  let ranked: number[] | undefined; // partitions by business, fixed at the first fault that ranks
  const cut = new Map<number, number>(); // fault id → node
  const held = new Map<number, number>(); // fault id → node whose publisher requests are held
  const { setReplication, holdPublisher } = brokerProxies(ctx.env);
  const reader = partitionReader(ctx.env);
  // Applied in the order they come due, whatever their lanes: a cut and the kill meant to follow it
  // each resolve their node first, and the kill must not overtake the cut while resolving.
  let applying: Promise<unknown> = Promise.resolve();

  const leaderOf = async (id: number, rank: number | undefined) => {
    const facts = await reader.read();
    if (!ranked) {
      ranked = ranking(facts);
      ctx.log(`fault ${id}: partitions by records, fixed for this run: ${ranked.join(', ')}`);
    }
    return rankedPartition(facts, ranked, rank ?? 1);
  };

  async function apply(f: Fault, id: number): Promise<void> {
    needsBrokers(ctx.env);
    if (f.fault === 'kill-controller') {
      const node = controllerNode(ctx.env);
      ctx.log(`fault ${id}: the active controller is node ${node}`);
      killed.set(id, { target: brokerTarget(node) });
      await ctx.control.kill(brokerTarget(node));
      return;
    }
    const p = f.params as { rank?: number; role?: 'leader' | 'follower'; holdMs?: number };
    if (f.fault === 'restart-leader') {
      const hold = async (node: number, holdMs: number) => {
        held.set(id, node);
        await holdPublisher(node, id, holdMs, true);
      };
      return restartLeader({ ctx, reader, leaderOf, hold }, id, p);
    }
    const part = await leaderOf(id, p.rank);
    if (f.fault === 'kill-leader') {
      const node = replicaFor(part, 'leader', new Set());
      ctx.log(`fault ${id}: partition ${part.partition} (${part.records} records) is led by node ${node}`);
      await ctx.control.kill(brokerTarget(node));
      killed.set(id, { target: brokerTarget(node), leading: { partition: part.partition, node, at: Date.now() } });
    } else {
      const node = replicaFor(part, p.role ?? 'leader', new Set(cut.values()));
      ctx.log(`fault ${id}: cutting replication from node ${node} (${p.role} of partition ${part.partition})`);
      cut.set(id, node);
      await setReplication(node, false);
    }
  }

  return {
    start(f: Fault, id: number) {
      const run = applying.then(() => apply(f, id));
      applying = run.catch(() => undefined);
      return run;
    },
    async stop(f: Fault, id: number) {
      const heldNode = held.get(id);
      if (heldNode !== undefined) {
        await holdPublisher(heldNode, id, 0, false);
        held.delete(id);
      }
      const k = killed.get(id);
      if (k?.leading) await leadershipMoved(reader, ctx.log, k.leading, id);
      if (k) {
        await ctx.control.restart(k.target, { graceful: false });
        killed.delete(id);
      }
      const node = cut.get(id);
      if (node !== undefined) {
        await setReplication(node, true);
        cut.delete(id);
      }
    },
    async heal() {
      // Proxies: the nemesis resets them all; dead brokers: it restarts every dead target.
      held.clear();
      killed.clear();
      cut.clear();
      await reader.close();
    },
  };
}
