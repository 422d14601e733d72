// The harness's Kafka clients (admin, topic readers, the nemesis's injectors, bench producers)
// authenticate as the harness's principal, `env.kafka.sasl`, and dial the direct listener.
import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from 'kafkajs';
import type { KafkaSasl } from '../../system/shared/kafka.ts';

/** The part of a kafkajs config that authenticates as the harness (nothing where the broker asks for none). */
export function harnessAuth(env: { kafka: { sasl?: KafkaSasl | undefined } }): Pick<KafkaConfig, 'sasl'> {
  const s = env.kafka.sasl;
  return s ? { sasl: { mechanism: s.mechanism, username: s.username, password: s.password } as SASLOptions } : {};
}

/** A client on the harness's direct listener, as the harness. */
export function harnessKafka(
  env: { kafka: { internal: string[]; sasl?: KafkaSasl | undefined } },
  clientId: string,
  extra: Omit<KafkaConfig, 'brokers' | 'clientId' | 'sasl'> = {},
): Kafka {
  return new Kafka({ clientId, brokers: env.kafka.internal, logLevel: logLevel.NOTHING, ...extra, ...harnessAuth(env) });
}
