// Tiny flag parser shared by the CLIs: unknown flags and bad values are errors that list what is
// accepted (exit 2), never silently ignored.
import { ConfigError } from '../../system/shared/errors.ts';
import { harnessSettings } from '../environment/settings.ts';

/** FAULTLINE_DEBUG; false when the settings themselves are what failed. */
function debugAsked(): boolean {
  try {
    return harnessSettings().debug;
  } catch {
    return false;
  }
}

export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

type FlagKind =
  | { readonly kind: 'bool' }
  | { readonly kind: 'string'; readonly values?: readonly string[] }
  | { readonly kind: 'int'; readonly min?: number; readonly max?: number };

export type FlagSpec = Readonly<Record<string, FlagKind>>;

/** A flag's value as its spec says: true, an integer, one of the listed strings, or any string. */
type FlagValue<K extends FlagKind> = K extends { kind: 'bool' }
  ? true
  : K extends { kind: 'int' }
    ? number
    : K extends { values: readonly (infer V)[] }
      ? V
      : string;

/** The flags given, typed from the spec; a flag not given is absent. */
export type Flags<S extends FlagSpec> = { -readonly [N in keyof S]?: FlagValue<S[N]> };

export type Parsed<S extends FlagSpec = FlagSpec> = { positional: string[]; flags: Flags<S> };

/** `--help` anywhere: every CLI prints its usage and exits 0 (handled once, in runCli). */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super('help');
    this.name = 'HelpRequested';
  }
}

export function parseArgs<S extends FlagSpec>(argv: string[], spec: S, usage: string): Parsed<S> {
  const flags: Record<string, string | number | boolean> = {};
  const out = { positional: [] as string[], flags: flags as Flags<S> };
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
      flags[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`, usage);
    if (s.kind === 'string') {
      if (s.values && !s.values.includes(value)) {
        throw new UsageError(`--${name} ${value} is not accepted; use one of: ${s.values.join(', ')}`, usage);
      }
      flags[name] = value;
    } else {
      const n = Number(value);
      if (!Number.isInteger(n) || (s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) {
        throw new UsageError(
          `--${name} ${value} is not accepted; give an integer${s.min !== undefined ? ` ≥ ${s.min}` : ''}${s.max !== undefined ? ` ≤ ${s.max}` : ''}`,
          usage,
        );
      }
      flags[name] = n;
    }
  }
  return out;
}

/** Runs a CLI main: usage errors exit 2 with the usage, other errors exit 1 with one message. */
export function runCli(main: () => Promise<number | void>): void {
  // The settings first: a bad FAULTLINE_* value stops the CLI before it does anything.
  Promise.resolve()
    .then(() => harnessSettings())
    .then(main)
    .then(
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
        if (err instanceof ConfigError) {
          // A bad FAULTLINE_* setting: the one line says which and what it accepts.
          console.error(`error: ${err.message}`);
          process.exit(2);
        }
        console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
        if (debugAsked() && err instanceof Error) console.error(err.stack);
        process.exit(1);
      },
    );
}
