// Recovery after heal: the relay's link to Kafka is cut (Toxiproxy disables the relay-kafka
// proxies) for `outageSeconds` while commands keep arriving and `recoveryBacklog` more rows are
// written straight into the outbox (a backlog of known size on a machine of any speed);
// then the link is restored. Measured: heal → the first record on the topic (its producer
// timestamp), heal → the first row marked published, and heal → the last row written during the
// cut marked (backlog zero; a mark follows its ack by a few ms, so that one is an upper bound).
import { Toxiproxy } from 'toxiproxy-node-client';
import { TOPIC } from '../../system/shared/events.ts';
import { createKafka } from '../../system/shared/kafka.ts';
import { EVENT_COLUMNS, benchEvents, chunks, eventRow } from './fixtures.ts';
import { firstRecordTimeAfter } from './firstRecordAfter.ts';
import { figure } from './goals.ts';
import { pacedLoad } from './pacedLoad.ts';
import type { PhaseResult, Sizes } from './phase.ts';
import { adminConnection, countRows, sleep, waitUntil, type Log, type Running } from './systemControl.ts';

async function setRelayKafkaLink(env: Running, enabled: boolean): Promise<void> {
  const toxi = new Toxiproxy(env.toxiproxy.api);
  for (const p of env.links['relay-kafka']) {
    const proxy = await toxi.get(p.name);
    await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
  }
}

/** From the outbox rows' own stamps and the topic: heal → first row marked, first record sent, backlog zero. */
async function stampsAfterHeal(env: Running, conn: Awaited<ReturnType<typeof adminConnection>>, cutAt: Date, healAt: Date) {
  const [rows] = await conn.query(
    `SELECT MIN(CASE WHEN published_at >= ? THEN published_at END) AS first_pub,
            MAX(CASE WHEN created_at < ? THEN published_at END) AS last_pub,
            SUM(created_at >= ? AND created_at < ?) AS during
       FROM outbox`,
    [healAt, healAt, cutAt, healAt],
  );
  const r = (rows as Array<{ first_pub: Date | null; last_pub: Date | null; during: number | string }>)[0]!;
  const firstMarkedMs = r.first_pub ? r.first_pub.getTime() - healAt.getTime() : Number.NaN;
  // The record's own timestamp (set by the producer as it sends): the first publish itself.
  const firstSentAt = await firstRecordTimeAfter(
    createKafka({ brokers: env.kafka.internal, clientId: 'faultline-bench-recovery', sasl: env.kafka.sasl }),
    TOPIC,
    healAt,
  );
  const firstMs = firstSentAt === undefined ? Number.NaN : firstSentAt - healAt.getTime();
  const zeroMs = r.last_pub ? r.last_pub.getTime() - healAt.getTime() : Number.NaN;
  return { firstMarkedMs, firstMs, zeroMs, during: Number(r.during) };
}

export async function recoveryPhase(env: Running, s: Sizes, log: Log): Promise<PhaseResult> {
  const conn = await adminConnection(env, 'commands', 'commands');
  const unpublished = () => countRows(conn, 'SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL');
  try {
    // Warm: the relay has published before the cut, as a running system has.
    await pacedLoad({
      url: env.system.commandServiceDirect,
      rate: 50,
      durationS: 1,
      connections: s.connections,
      onAccepted: () => undefined,
    });
    await waitUntil('warm-up published', async () => (await unpublished()) === 0, { timeoutMs: 30_000, intervalMs: 50 });
    await setRelayKafkaLink(env, false);
    const cutAt = new Date();
    // The load runs for the cut's length; the heal comes on time whether or not its last replies did.
    const loading = pacedLoad({
      url: env.system.commandServiceDirect,
      rate: s.recoveryRate,
      durationS: s.outageSeconds,
      connections: s.connections,
      onAccepted: () => undefined,
    });
    let healAt: Date;
    let backlogAtHeal = Number.NaN;
    try {
      for (const batch of chunks(benchEvents(s.recoveryBacklog), 1000))
        await conn.query(`INSERT INTO outbox ${EVENT_COLUMNS} VALUES ?`, [batch.map(eventRow)]);
      await sleep(Math.max(0, s.outageSeconds * 1000 - (Date.now() - cutAt.getTime())));
      backlogAtHeal = await unpublished();
    } finally {
      await setRelayKafkaLink(env, true);
      healAt = new Date();
    }
    const load = await loading;
    log(
      `  relay-kafka link down ${((healAt.getTime() - cutAt.getTime()) / 1000).toFixed(1)} s, ${load.accepted} commands accepted meanwhile, backlog ${backlogAtHeal}`,
    );
    await waitUntil('backlog zero after heal', async () => (await unpublished()) === 0, { timeoutMs: 120_000, intervalMs: 20 });
    const { firstMarkedMs, firstMs, zeroMs, during } = await stampsAfterHeal(env, conn, cutAt, healAt);
    const drainRate = zeroMs > 0 ? (backlogAtHeal * 1000) / zeroMs : Number.NaN;
    log(
      `  heal → first record on the topic ${firstMs.toFixed(0)} ms, first row marked ${firstMarkedMs.toFixed(0)} ms, → backlog zero ${zeroMs.toFixed(0)} ms (${backlogAtHeal} rows, ${drainRate.toFixed(0)} rows/s)`,
    );
    return {
      figures: [
        figure({
          name: `recovery after a ${s.outageSeconds} s broker cut: heal → first publish`,
          value: firstMs,
          unit: 'ms',
          goal: { kind: 'max-value', target: 500, unit: 'ms' },
        }),
        figure({ name: `recovery: heal → backlog zero (${backlogAtHeal} rows)`, value: zeroMs, unit: 'ms' }),
      ],
      breakdown: {
        outageMs: healAt.getTime() - cutAt.getTime(),
        rate: s.recoveryRate,
        load,
        rowsWrittenDuringOutage: during,
        backlogAtHeal,
        healToFirstRecordOnTopicMs: firstMs,
        healToFirstRowMarkedMs: firstMarkedMs,
        healToBacklogZeroMs: zeroMs,
        drainRowsPerSecond: drainRate,
      },
      notes: [],
    };
  } finally {
    await setRelayKafkaLink(env, true).catch(() => undefined);
    await conn.end();
  }
}
