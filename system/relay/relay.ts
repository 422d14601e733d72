// The relay pipeline: claim → commit → send → mark. A claim is a short transaction stamping rows
// with this relay's owner id and a lease (outboxStore.ts); the send runs outside any transaction;
// acked ids wait in the marker (marker.ts) and the next claim's transaction marks them, so a
// cycle costs one commit. While a claim's batches are sent, the next claim is already running,
// so the producer does not wait for the database. Sends are serial through one idempotent
// producer (acks=all), so a relay's own queue keeps each stream in order.
//
// On any failure every claimed-but-unsent row is given back (after in-flight marks settled) and
// the queue is dropped: a later row of a stream is never sent after an earlier one failed.
// Several relays: a row is claimed only when every earlier unpublished row of its stream is
// published or already in the claimer's own queue (outboxStore.ts, claimRule.ts), so a stream's
// first copies reach the topic in version order. A relay that stalls past its lease, or loses its
// liveness lock, refuses to send what it claimed; one frozen inside a send can only add a late
// duplicate of rows whose earlier versions are already on the topic (the inbox absorbs it).
//
// Broker failures trip a short circuit breaker, so a half-open probe follows a heal within its
// cooldown (≤ 250 ms by default).
import type { Kafka } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { backoffDelay } from '../shared/backoff.ts';
import { crashPoint } from '../shared/crashPoints.ts';
import { createPool, isRetriableDbError } from '../shared/db.ts';
import { resettableProducer, type ResettableProducer } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { breakerStateValue, CircuitBreaker } from './circuitBreaker.ts';
import { intoBatches } from './claimRule.ts';
import { acquireLiveness, type Liveness } from './liveness.ts';
import { createMarker, type Marker } from './marker.ts';
import type { RelayMetrics } from './metrics.ts';
import { estimatedBytes, type OutboxRow } from './outboxMessage.ts';
import { anyUnclaimedWork, claimRows, markPublished, readBacklog, releaseClaims } from './outboxStore.ts';
import { nextPollDelay } from './pollDelay.ts';
import { KafkaPublishError, publishRows } from './publisher.ts';
import { createSleeper, type Sleeper } from './sleeper.ts';

export interface RelayOptions {
  kafka: Kafka;
  pool: Pool;
  /** The relay's database URL: its liveness lock gets a connection of its own. */
  dbUrl: string;
  topic: string;
  /** Most rows per send; a send also stops at about maxSendBytes. */
  batchSize: number;
  maxSendBytes?: number;
  claimBatches: number;
  claimLeaseMs: number;
  heartbeatMs: number;
  pollMinMs: number;
  pollMaxMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
  breakerMaxCooldownMs: number;
  sendTimeoutMs: number;
  backlogRefreshMs?: number;
  logger: Logger;
  metrics: RelayMetrics;
}

export interface Relay {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The broker accepted the last batch (or none was tried yet) and the breaker is closed. */
  kafkaHealthy(): boolean;
  /** The current owner id of this relay's claims (changes when its liveness lock was lost). */
  owner(): string | undefined;
}

/** A claim may not be lost under us: the send is refused when the claim cannot be trusted. */
class ClaimLostError extends Error {
  override readonly name = 'ClaimLostError';
}

interface Batch {
  rows: OutboxRow[];
  owner: string;
  sendBy: number; // performance.now() after which the lease is too short for a send
}

const SEND_MARGIN_MS = 1_000;
// Well under Kafka's default max.message.bytes (1 MiB per partition's record batch), whatever
// the partition count.
const DEFAULT_MAX_SEND_BYTES = 512 * 1024;

export function createRelay(o: RelayOptions): Relay {
  return new RelayLoop(o);
}

class RelayLoop implements Relay {
  private readonly breaker: CircuitBreaker;
  private readonly producer: ResettableProducer;
  private readonly inFlight = new Set<number>(); // claimed by us, not marked yet
  private readonly claimLimit: number;
  /** Claims and marks: several statements per round trip (outboxStore.ts); payloads read as text. */
  private readonly claimPool: Pool;
  private readonly sleeper: Sleeper;
  private readonly marker: Marker;
  private running = false;
  private liveness: Liveness | null = null;
  private prefetch: Promise<Batch[]> | null = null;
  private loop: Promise<void> | null = null;
  private backlogTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: RelayOptions) {
    this.breaker = new CircuitBreaker({
      threshold: o.breakerThreshold,
      cooldownMs: o.breakerCooldownMs,
      maxCooldownMs: o.breakerMaxCooldownMs,
    });
    // A send is given up at its timeout even when kafkajs never settles it: the claim's lease was
    // sized for it (sendBy), and a relay stuck in a send would publish nothing while looking alive.
    this.producer = resettableProducer(o.kafka, {}, { sendDeadlineMs: o.sendTimeoutMs });
    this.claimLimit = o.batchSize * o.claimBatches;
    this.claimPool = createPool(o.dbUrl, { connectionLimit: 2, multipleStatements: true, isolation: 'READ-COMMITTED', jsonStrings: true });
    this.sleeper = createSleeper(() => this.running);
    this.marker = createMarker({
      mark: (ids) => markPublished(o.pool, ids),
      onMarked: (ids) => {
        for (const id of ids) this.inFlight.delete(id);
        o.metrics.published.inc(ids.length);
      },
      onGaveUp: (ids, err) => {
        for (const id of ids) this.inFlight.delete(id);
        o.logger.warn({ rows: ids.length, err: String(err) }, 'marking published failed; the rows are re-sent after their lease');
      },
    });
  }

  async start(): Promise<void> {
    this.running = true;
    // Taken now when the database answers, so the owner id is known from the start; else the loop retries.
    await this.ensureLiveness().catch((err: unknown) => this.o.logger.warn({ err: String(err) }, 'relay liveness lock not taken yet'));
    await this.refreshBacklog();
    this.backlogTimer = setInterval(() => void this.refreshBacklog(), this.o.backlogRefreshMs ?? 1_000);
    this.backlogTimer.unref();
    this.loop = this.run().catch((err: unknown) => this.o.logger.fatal({ err }, 'relay loop died'));
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.backlogTimer) clearInterval(this.backlogTimer);
    this.sleeper.wake();
    await this.loop;
    await this.producer.disconnect();
    await this.liveness?.close();
    this.liveness = null;
    await this.claimPool.end().catch(() => undefined);
  }

  kafkaHealthy(): boolean {
    return this.breaker.state(Date.now()) === 'closed';
  }

  owner(): string | undefined {
    return this.liveness?.owner;
  }

  private async run(): Promise<void> {
    const o = this.o;
    let delay = o.pollMinMs;
    let failures = 0;
    while (this.running) {
      const now = Date.now();
      o.metrics.breakerState.set(breakerStateValue(this.breaker.state(now)));
      if (!this.breaker.canAttempt(now)) {
        await this.sleeper.sleep(this.breaker.waitMs(now));
        continue;
      }
      try {
        const { owner } = await this.ensureLiveness();
        const batches = await (this.prefetch ?? this.pollOrClaim(owner, delay > o.pollMinMs));
        this.prefetch = null;
        if (batches.length === 0) {
          // Nothing to send: nothing failed either (as before: the breaker closes, readiness follows).
          // No claim follows soon, so acked rows are marked on their own.
          this.marker.flush();
          this.breaker.success();
          failures = 0;
          delay = nextPollDelay(delay, 0, this.claimLimit, { minMs: o.pollMinMs, maxMs: o.pollMaxMs });
          await this.sleeper.sleep(delay);
          continue;
        }
        await this.sendAll(batches, owner);
        this.breaker.success();
        failures = 0;
        delay = o.pollMinMs;
      } catch (err) {
        const wait = this.failureWait(err, failures++);
        await this.abandon();
        await this.sleeper.sleep(wait);
      }
    }
    await this.abandon();
  }

  private async ensureLiveness(): Promise<Liveness> {
    if (this.liveness?.alive()) return this.liveness;
    const old = this.liveness;
    this.liveness = null;
    if (old) {
      await old.close();
      await releaseClaims(this.o.pool, old.owner).catch(() => undefined); // anyone may take them over anyway
    }
    this.liveness = await acquireLiveness({ dbUrl: this.o.dbUrl, heartbeatMs: this.o.heartbeatMs, logger: this.o.logger });
    this.o.logger.info({ owner: this.liveness.owner }, 'relay claims under a new owner id');
    return this.liveness;
  }

  /** While idle, one plain read decides whether a claim transaction is worth opening. */
  private async pollOrClaim(owner: string, idle: boolean): Promise<Batch[]> {
    if (idle && !(await anyUnclaimedWork(this.o.pool, owner))) {
      this.o.metrics.polls.inc({ result: 'empty' });
      return [];
    }
    return this.claimNext(owner);
  }

  /**
   * Claims the next rows, marking in the same transaction what the broker acked since the last
   * claim. `unsentBefore`: sends the claim before this one has yet to make after the one in flight.
   */
  private async claimNext(owner: string, unsentBefore = 0): Promise<Batch[]> {
    const o = this.o;
    const limit = this.claimLimit;
    const sendBy = performance.now() + o.claimLeaseMs - o.sendTimeoutMs - SEND_MARGIN_MS;
    const acked = this.marker.take();
    let claim;
    try {
      claim = await claimRows(this.claimPool, { owner, limit, leaseMs: o.claimLeaseMs, inFlight: [...this.inFlight], acked });
    } catch (err) {
      this.marker.putBack(acked);
      throw err;
    }
    this.marker.marked(acked);
    const rows = claim.rows;
    for (const r of rows) this.inFlight.add(r.id);
    // A claim (and the marks it carried) committed while the claim before it still has sends to
    // make: a death here must cost only re-sends of what was acked but not marked, never an unsent
    // row. Passed only in that window, so the Nth pass is the Nth time the window opens.
    if (unsentBefore > 0) crashPoint('relay.after-claim-commit', { marked: acked.length, claimed: rows.length, unsentBefore });
    o.metrics.polls.inc({ result: rows.length === 0 ? 'empty' : claim.full ? 'full' : 'partial' });
    return intoBatches(rows, o.batchSize, { maxBytes: o.maxSendBytes ?? DEFAULT_MAX_SEND_BYTES, bytesOf: estimatedBytes }).map((b) => ({
      rows: b,
      owner,
      sendBy,
    }));
  }

  /** Sends a claim's batches in order; the next claim runs alongside them, from the first send on. */
  private async sendAll(batches: Batch[], owner: string): Promise<void> {
    for (let i = 0; i < batches.length && this.running; i++) {
      if (i === 0) {
        const next = this.claimNext(owner, batches.length - 1);
        next.catch(() => undefined); // handled where it is awaited; never an unhandled rejection
        this.prefetch = next;
      }
      await this.sendBatch(batches[i]!);
    }
  }

  private async sendBatch(b: Batch): Promise<void> {
    const o = this.o;
    if (!this.liveness?.alive() || this.liveness.owner !== b.owner)
      throw new ClaimLostError('liveness lock lost: the claim may have been taken over');
    if (performance.now() > b.sendBy) throw new ClaimLostError('claim too close to the end of its lease');
    const ids = { firstId: b.rows[0]!.id, lastId: b.rows[b.rows.length - 1]!.id };
    crashPoint('relay.after-claim-before-send', ids);
    const started = performance.now();
    await publishRows(this.producer, o, b.rows);
    const now = Date.now();
    o.metrics.batchSeconds.observe((performance.now() - started) / 1000);
    for (const r of b.rows) o.metrics.publishLag.observe(Math.max(0, now - r.createdAt.getTime()) / 1000);
    crashPoint('relay.after-send-before-mark', ids);
    this.marker.add(b.rows.map((r) => r.id));
  }

  /** Drops the queue: waits for the running claim and marks, then gives back what is still claimed. */
  private async abandon(): Promise<void> {
    const pending = this.prefetch;
    this.prefetch = null;
    await pending?.catch(() => undefined);
    await this.marker.settled();
    this.inFlight.clear();
    const owner = this.liveness?.owner;
    if (owner) {
      await releaseClaims(this.o.pool, owner).catch((err: unknown) =>
        this.o.logger.warn({ err: String(err) }, 'giving back claims failed; they expire with their lease'),
      );
    }
  }

  private failureWait(err: unknown, failures: number): number {
    const o = this.o;
    const kind =
      err instanceof KafkaPublishError ? 'kafka' : err instanceof ClaimLostError ? 'claim' : isRetriableDbError(err) ? 'db' : 'other';
    o.metrics.publishErrors.inc({ kind });
    if (kind === 'kafka') this.breaker.failure(Date.now());
    o.metrics.breakerState.set(breakerStateValue(this.breaker.state(Date.now())));
    const open = this.breaker.waitMs(Date.now());
    const wait = open > 0 ? open : backoffDelay(Math.min(failures, 30), { baseMs: o.backoffBaseMs, maxMs: o.backoffMaxMs });
    o.logger.warn(
      { kind, err: err instanceof Error ? err.message : String(err), retryInMs: wait, breaker: this.breaker.state(Date.now()) },
      'relay batch failed',
    );
    return wait;
  }

  private async refreshBacklog(): Promise<void> {
    try {
      const b = await readBacklog(this.o.pool);
      this.o.metrics.backlog.set(b.count);
      this.o.metrics.oldestAge.set(b.oldestAgeSeconds);
    } catch {
      // DB unreachable: keep the last values; the batch loop reports the failure.
    }
  }
}
