// Samples the cluster's metadata every ~500 ms while a multi-broker scenario runs: partition
// leaders, ISR and the active controller. The broker scenarios' non-vacuity checks read these
// (a leader changed, the ISR fell below 2, the controller moved), from samples.json on re-judge.
import type { Admin } from 'kafkajs';
import { brokerView, quickAdmin } from '../environment/brokerMetadata.ts';
import type { EnvAddresses } from '../environment/types.ts';
import type { BrokerSample } from '../record/types.ts';

export function startBrokerSampler(env: EnvAddresses, now: () => number, everyMs = 500): { stop(): Promise<BrokerSample[]> } {
  const samples: BrokerSample[] = [];
  let admin: Admin | undefined;
  let stopped = false;
  let busy: Promise<void> = Promise.resolve();
  const tick = async () => {
    const ms = now();
    try {
      if (!admin) {
        admin = quickAdmin(env, 'faultline-broker-sampler');
        await admin.connect();
      }
      samples.push({ ms, ...(await brokerView(admin, env)) });
    } catch (err) {
      samples.push({ ms, partitions: [], error: (err as Error).message });
      // A client stuck on a dead broker's connection is thrown away; the next tick starts afresh.
      await admin?.disconnect().catch(() => undefined);
      admin = undefined;
    }
  };
  let inFlight = false;
  const next = () => {
    if (stopped || inFlight) return; // a slow sample (a dead broker) delays the next, never queues them
    inFlight = true;
    busy = tick().finally(() => (inFlight = false));
  };
  const timer = setInterval(next, everyMs);
  next();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy;
      await admin?.disconnect().catch(() => undefined);
      return samples;
    },
  };
}
