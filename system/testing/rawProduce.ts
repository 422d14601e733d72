// A raw Kafka producer for tests (rawKafka/): one Produce request written by hand, so a test can
// send what kafkajs' encoder refuses: a header whose value is null, a name repeated in any
// order, any bytes. The partition's leader is found through kafkajs' admin; by default it logs in
// as the harness's principal where the environment's brokers authenticate.
import type { Kafka } from 'kafkajs';
import { partitionLeader, rawProducer, type RawSasl } from './rawKafka/rawProducer.ts';
import type { RawHeaderRecord } from './rawKafka/recordBatch.ts';
import { harnessSasl } from './intSupport.ts';

export type { RawHeaderRecord };

/** Produces `records` as one batch to `topic`/`partition`; resolves with the base offset. */
export async function rawProduce(
  kafka: Kafka,
  topic: string,
  partition: number,
  records: RawHeaderRecord[],
  o: { sasl?: RawSasl } = { ...(harnessSasl ? { sasl: harnessSasl } : {}) },
): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  let leader;
  try {
    leader = await partitionLeader(admin, topic, partition);
  } finally {
    await admin.disconnect();
  }
  const producer = rawProducer(o);
  try {
    return await producer.produce(leader, topic, partition, records);
  } finally {
    producer.close();
  }
}
