// The candidate clients, pinned. They are not dependencies of the project: the clients phase
// installs them on demand into a cache folder (install.ts), so `npm ci` never builds librdkafka.
import type { ClientName } from './clientApi.ts';

export interface Candidate {
  name: Exclude<ClientName, 'kafkajs'>;
  pkg: string;
  version: string;
  /** Has a native addon: a prebuilt binary is downloaded, else it is compiled. */
  native: boolean;
  /**
   * Environment for a second attempt when the first install fails. The confluent client's default
   * source build downloads zlib, OpenSSL, zstd and curl sources; where those hosts are unreachable,
   * dynamic linking builds the bundled librdkafka against the system's OpenSSL and zlib instead.
   */
  retryEnv?: Record<string, string>;
}

export const CANDIDATES: readonly Candidate[] = [
  // 2.x asks for Node ≥ 22.22; the project supports Node 20, so the last 1.x line.
  { name: 'platformatic', pkg: '@platformatic/kafka', version: '1.35.0', native: false },
  { name: 'confluent', pkg: '@confluentinc/kafka-javascript', version: '1.10.1', native: true, retryEnv: { CKJS_LINKING: 'dynamic' } },
];
