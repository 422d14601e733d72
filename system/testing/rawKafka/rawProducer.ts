// Produces record batches written by hand (recordBatch.ts) to a partition's leader, over one raw
// connection, authenticated when credentials are given. For tests and the harness's injectors:
// the system never produces like this. The leader is found through a kafkajs admin (already
// connected and authenticated by its owner).
import type { Admin } from 'kafkajs';
import { encodeRecordBatch, type RawHeaderRecord } from './recordBatch.ts';
import { openConnection, type RawConnection, type RawSasl } from './connection.ts';

export type { RawSasl };
import { API, errorName, parseProduceAnswer, produceBody } from './requests.ts';

export interface BrokerAddress {
  host: string;
  port: number;
}

/** The broker leading `topic`/`partition`, as the admin's listener advertises it. */
export async function partitionLeader(admin: Admin, topic: string, partition: number): Promise<BrokerAddress> {
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const leader = meta.topics[0]?.partitions.find((p) => p.partitionId === partition)?.leader;
  const node = (await admin.describeCluster()).brokers.find((b) => b.nodeId === leader);
  if (!node) throw new Error(`no leader for ${topic}/${partition}`);
  return { host: node.host, port: node.port };
}

export class ProduceRefusedError extends Error {
  override readonly name = 'ProduceRefusedError';
  constructor(
    readonly errorCode: number,
    where: string,
  ) {
    super(`produce to ${where} refused: ${errorName(errorCode)}`);
  }
}

/** A producer that keeps one connection per broker; each batch goes in its own request. */
export interface RawProducer {
  /** Produces `records` as one batch; resolves with the first record's offset. */
  produce(leader: BrokerAddress, topic: string, partition: number, records: readonly RawHeaderRecord[]): Promise<bigint>;
  close(): void;
}

export function rawProducer(o: { sasl?: RawSasl | undefined } = {}): RawProducer {
  const connections = new Map<string, Promise<RawConnection>>();
  const connectionTo = (b: BrokerAddress) => {
    const key = `${b.host}:${b.port}`;
    let c = connections.get(key);
    if (!c) {
      c = openConnection(b.host, b.port, o.sasl);
      c.catch(() => connections.delete(key));
      connections.set(key, c);
    }
    return c;
  };
  return {
    async produce(leader, topic, partition, records) {
      const conn = await connectionTo(leader);
      let answer;
      try {
        answer = parseProduceAnswer(await conn.request(API.produce, 3, produceBody(topic, partition, encodeRecordBatch(records))));
      } catch (err) {
        conn.close(); // a connection whose answers are out of step is not used again
        connections.delete(`${leader.host}:${leader.port}`);
        throw err;
      }
      if (answer.errorCode !== 0) throw new ProduceRefusedError(answer.errorCode, `${topic}/${partition}`);
      return answer.baseOffset;
    },
    close() {
      for (const c of connections.values()) void c.then((x) => x.close()).catch(() => undefined);
      connections.clear();
    },
  };
}
