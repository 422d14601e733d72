// Typed environment-variable reading, validated once at start. A bad value must stop the process
// with ONE line naming the variable and what is accepted (the harness shows it verbatim), rather
// than surfacing later as a confusing runtime failure.
import { ConfigError } from './errors.ts';

/** Defaults shared by every process, in one frozen object, each with its unit. */
export const DEFAULTS = Object.freeze({
  httpHost: '127.0.0.1', // never 'localhost': may resolve to IPv6 and bypass a proxy
  httpPort: 8080,
  bodyLimitBytes: 16_384, // 16 KiB: a command body is a few hundred bytes
  shutdownTimeoutMs: 10_000, // 10 seconds to drain before a forced exit
  readinessCheckTimeoutMs: 2_000, // 2 seconds per readiness check
  dbPoolSize: 8, // connections; 8 is near the measured knee on 2 cores (docs/bench.md)
  dbConnectTimeoutMs: 5_000, // 5 seconds
  kafkaTopic: 'user-events',
  logLevel: 'info',
});

type Source = Record<string, string | undefined>;

export interface EnvReader {
  /** A string; required when no default is given. */
  str(name: string, def?: string): string;
  /** Absent → undefined; present but empty counts as absent. */
  optional(name: string): string | undefined;
  int(name: string, def?: number, range?: { min?: number; max?: number }): number;
  bool(name: string, def?: boolean): boolean;
  oneOf<T extends string>(name: string, values: readonly T[], def?: T): T;
  /** A URL whose scheme is one of `protocols` (without ':'), e.g. ['mysql'] or ['http', 'https']. */
  url(name: string, protocols: readonly string[], def?: string): string;
  /** Comma-separated list, trimmed, empties dropped; required non-empty unless a default is given. */
  list(name: string, def?: readonly string[]): string[];
}

export function envReader(source: Source = process.env): EnvReader {
  const raw = (name: string): string | undefined => {
    const v = source[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const required = (name: string, accepted: string): never => {
    throw new ConfigError(name, accepted, undefined);
  };
  return {
    str(name, def) {
      return raw(name) ?? def ?? required(name, 'a non-empty string');
    },
    optional(name) {
      return raw(name);
    },
    int(name, def, range = {}) {
      const min = range.min ?? Number.MIN_SAFE_INTEGER;
      const max = range.max ?? Number.MAX_SAFE_INTEGER;
      const accepted = `an integer in [${min}, ${max}]`;
      const v = raw(name);
      if (v === undefined) return def ?? required(name, accepted);
      if (!/^-?\d+$/.test(v)) throw new ConfigError(name, accepted, v);
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < min || n > max) throw new ConfigError(name, accepted, v);
      return n;
    },
    bool(name, def) {
      const accepted = 'true|false|1|0|yes|no';
      const v = raw(name)?.toLowerCase();
      if (v === undefined) return def ?? required(name, accepted);
      if (['true', '1', 'yes'].includes(v)) return true;
      if (['false', '0', 'no'].includes(v)) return false;
      throw new ConfigError(name, accepted, v);
    },
    oneOf(name, values, def) {
      const accepted = values.join('|');
      const v = raw(name);
      if (v === undefined) return def ?? required(name, accepted);
      const hit = values.find((x) => x === v);
      if (hit === undefined) throw new ConfigError(name, accepted, v);
      return hit;
    },
    url(name, protocols, def) {
      const accepted = `a URL ${protocols.map((p) => `${p}://…`).join(' or ')}`;
      const v = raw(name) ?? def ?? required(name, accepted);
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        throw new ConfigError(name, accepted, v);
      }
      if (!protocols.includes(u.protocol.replace(/:$/, ''))) throw new ConfigError(name, accepted, v);
      if (u.hostname === 'localhost') throw new ConfigError(name, `${accepted} with host 127.0.0.1 (not localhost)`, v);
      return v;
    },
    list(name, def) {
      const v = raw(name);
      if (v === undefined) return def ? [...def] : required(name, 'a comma-separated non-empty list');
      const items = v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (items.length === 0) throw new ConfigError(name, 'a comma-separated non-empty list', v);
      return items;
    },
  };
}

/**
 * Build a process' configuration from the environment. On a ConfigError, print its one line to
 * stderr and exit with status 2 (unless `exit: false`, for tests: then it throws).
 */
export function loadConfig<T>(build: (env: EnvReader) => T, opts: { source?: Source; exit?: boolean } = {}): Readonly<T> {
  try {
    return Object.freeze(build(envReader(opts.source ?? process.env)));
  } catch (err) {
    if (err instanceof ConfigError && opts.exit !== false) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
