// Tiny flag parser shared by the CLIs: unknown flags and bad values are errors that list what is
// accepted (exit 2), never silently ignored.
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  [flag: string]: { kind: 'bool' } | { kind: 'string'; values?: readonly string[] } | { kind: 'int'; min?: number; max?: number };
}

export type Parsed = { positional: string[]; flags: Record<string, string | number | boolean> };

/** `--help` anywhere: every CLI prints its usage and exits 0 (handled once, in runCli). */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super('help');
    this.name = 'HelpRequested';
  }
}

export function parseArgs(argv: string[], spec: FlagSpec, usage: string): Parsed {
  const out: Parsed = { positional: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      out.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (name === 'help') throw new HelpRequested(usage);
    const s = spec[name];
    if (!s)
      throw new UsageError(`unknown flag --${name}; accepted: ${[...Object.keys(spec), 'help'].map((f) => `--${f}`).join(', ')}`, usage);
    if (s.kind === 'bool') {
      out.flags[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`, usage);
    if (s.kind === 'string') {
      if (s.values && !s.values.includes(value)) {
        throw new UsageError(`--${name} ${value} is not accepted; use one of: ${s.values.join(', ')}`, usage);
      }
      out.flags[name] = value;
    } else {
      const n = Number(value);
      if (!Number.isInteger(n) || (s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) {
        throw new UsageError(
          `--${name} ${value} is not accepted; give an integer${s.min !== undefined ? ` ≥ ${s.min}` : ''}${s.max !== undefined ? ` ≤ ${s.max}` : ''}`,
          usage,
        );
      }
      out.flags[name] = n;
    }
  }
  return out;
}

/** Runs a CLI main: usage errors exit 2 with the usage, other errors exit 1 with one message. */
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (err: unknown) => {
      if (err instanceof HelpRequested) {
        console.log(err.usage);
        process.exit(0);
      }
      if (err instanceof UsageError) {
        console.error(`error: ${err.message}\n\n${err.usage}`);
        process.exit(2);
      }
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      if (process.env.FAULTLINE_DEBUG && err instanceof Error) console.error(err.stack);
      process.exit(1);
    },
  );
}
