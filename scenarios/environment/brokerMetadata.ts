// One look at the cluster: who leads each partition of `user-events`, who is in its ISR, and which
// node is the active KRaft controller. Read over the harness's direct listener (never a proxy), so
// a cut replication or client link does not blind the observer.
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { TOPIC } from '../../system/shared/events.ts';
import type { BrokerSample } from '../record/types.ts';
import { activeController } from './quorum.ts';
import type { EnvAddresses } from './types.ts';

export type BrokerView = Omit<BrokerSample, 'ms'>;

/** An admin client that fails fast: a dead broker must not stall a sample for long. */
export function quickAdmin(env: EnvAddresses, clientId: string): Admin {
  return new Kafka({
    clientId,
    brokers: env.kafka.internal,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2500,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
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
