// The relay's records (fixtures.ts) as plain strings, the form every adapter starts from.
import { benchEvents, chunks, kafkaRecord } from '../fixtures.ts';
import type { BenchRecord } from './clientApi.ts';

export function benchRecords(n: number): BenchRecord[] {
  return benchEvents(n).map((e) => {
    const m = kafkaRecord(e);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    return { key: String(m.key), value: String(m.value), headers };
  });
}

export const recordBatches = (n: number, batchSize: number): BenchRecord[][] => chunks(benchRecords(n), batchSize);
