// One look at the cluster: who leads each partition of `user-events`, who is in its ISR, and which
// node is the active KRaft controller. Read over the harness's direct listener (never a proxy), so
// a cut replication or client link does not blind the observer.
import type { Admin } from 'kafkajs';
import { harnessKafka } from './harnessKafka.ts';
import { TOPIC } from '../../system/shared/events.ts';
import { activeController } from './quorum.ts';
import type { EnvAddresses } from './types.ts';

/** Leaders and ISR of `user-events` and the active controller, sampled while a multi-broker scenario runs. */
export interface BrokerSample {
  ms: number; // history clock
  /** Active KRaft controller node id, when the environment can tell. */
  controller?: number;
  partitions: { partition: number; leader: number; isr: number[] }[];
  /** The metadata could not be read at that moment (no partitions then). */
  error?: string;
}

export type BrokerView = Omit<BrokerSample, 'ms'>;

/**
 * An admin client for one look: retries past a dead broker (the bootstrap list has the others),
 * with timeouts a saturated 2-core machine still meets.
 */
export function quickAdmin(env: EnvAddresses, clientId: string): Admin {
  return harnessKafka(env, clientId, {
    connectionTimeout: 5000,
    requestTimeout: 15_000,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 2000 },
  }).admin();
}

export async function brokerView(admin: Admin, env: EnvAddresses): Promise<BrokerView> {
  const controller = env.kafka.quorumStateFiles ? activeController(env.kafka.quorumStateFiles)?.leaderId : undefined;
  const md = await admin.fetchTopicMetadata({ topics: [TOPIC] });
  const partitions = (md.topics[0]?.partitions ?? [])
    .map((p) => ({ partition: p.partitionId, leader: p.leader, isr: [...p.isr].sort((a, b) => a - b) }))
    .sort((a, b) => a.partition - b.partition);
  return { ...(controller !== undefined ? { controller } : {}), partitions };
}

/** Node name of a broker id as process targets spell it (node 1 is plain 'kafka'). */
export const brokerTarget = (node: number): string => (node === 1 ? 'kafka' : `kafka-${node}`);
