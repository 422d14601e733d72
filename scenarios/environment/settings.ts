// The harness's own settings: every FAULTLINE_* variable a user may set, read in one place with the
// system's reader, so a bad value fails at once with one line naming the variable and what it
// accepts, and docs/settings.md is generated from this definition (a unit test fails on drift).
// The variables the harness sets for the processes it starts (crash points, instance numbers,
// coverage and profile directories, the int tier's addresses) are not settings and are not here.
import { envReader, type EnvReader } from '../../system/shared/config.ts';
import { basePortFromEnv, DEFAULT_BASE_PORT } from './ports.ts';

export const PROVIDERS = ['local', 'testcontainers', 'external'] as const;
export type ProviderName = (typeof PROVIDERS)[number];
export const SYSTEM_RUNTIMES = ['host', 'containers'] as const;
export type SystemRuntime = (typeof SYSTEM_RUNTIMES)[number];

export interface HarnessSettings {
  /** First of the 100 ports the environment listens on (several checkouts side by side: one span each). */
  basePort: number;
  /** Where a running environment keeps its data, logs, pids and credentials; unset: `.faultline/` in the checkout. */
  runDir: string | undefined;
  /** Where downloads are cached across runs; unset: `$XDG_CACHE_HOME/faultline` or `~/.cache/faultline`. */
  cache: string | undefined;
  /** The environment to bring up; unset (auto): testcontainers when a Docker engine answers, else local. */
  provider: ProviderName | undefined;
  /** Where the system's processes run. */
  system: SystemRuntime;
  /** The external provider's addresses (a JSON file). */
  externalConfig: string | undefined;
  /** Print a stack with a CLI's error. */
  debug: boolean;
  /** The bench's second environment (env-up phase); unset: the span after the base port's. */
  benchEnvBasePort: number | undefined;
}

const PORT_RANGE = { min: 1024, max: 65_435 };

export function readHarnessSettings(env: EnvReader): HarnessSettings {
  // 0: the span after the base port's.
  const bench = env.int('FAULTLINE_BENCH_ENV_BASE_PORT', 0, { min: 0, max: PORT_RANGE.max });
  const provider = env.oneOf('FAULTLINE_PROVIDER', [...PROVIDERS, 'auto'], 'auto');
  return {
    // The reader checks it is an integer; basePortFromEnv the span and the ephemeral range.
    basePort: basePortFromEnv({ FAULTLINE_BASE_PORT: String(env.int('FAULTLINE_BASE_PORT', DEFAULT_BASE_PORT, PORT_RANGE)) }),
    runDir: env.optional('FAULTLINE_RUN_DIR'),
    cache: env.optional('FAULTLINE_CACHE'),
    provider: provider === 'auto' ? undefined : provider,
    system: env.oneOf('FAULTLINE_SYSTEM', SYSTEM_RUNTIMES, 'host'),
    externalConfig: env.optional('FAULTLINE_EXTERNAL_CONFIG'),
    debug: env.bool('FAULTLINE_DEBUG', false),
    benchEnvBasePort: bench === 0 ? undefined : basePortFromEnv({ FAULTLINE_BASE_PORT: String(bench) }),
  };
}

/** The settings from `source` (the process's environment by default); throws on a bad value. */
export function harnessSettings(source: NodeJS.ProcessEnv = process.env): HarnessSettings {
  return readHarnessSettings(envReader(source));
}
