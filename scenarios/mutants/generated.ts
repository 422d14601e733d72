// Generated mutants: StrykerJS's instrumenter reads the delivery-critical files of `system/` and
// lists every mutant its mutators make (the operators Stryker ships, none left out); each becomes
// a mutant of the self-test with one edit at its exact place. The observability ignorer is the one
// filter. Ids are stable across runs: a hash of the file, the place, the mutator and the
// replacement, so a sample, an equivalents entry and a coverage map keep naming the same mutant.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import type { Mutant } from './mutant.ts';
import { observabilityIgnorer } from './observabilityIgnorer.ts';

/**
 * The code whose bugs lose, duplicate or misreport events: the command path and its outbox, the
 * relay, the projector with its dead letters, the query API's read model and status, and the
 * shared Kafka and database helpers. Left out: entry points, settings, metric and trace plumbing,
 * the HTTP shell, and the operator CLIs (they run no scenario).
 */
export const GENERATED_TARGETS: readonly string[] = [
  'system/commandService/',
  'system/relay/',
  'system/projector/',
  'system/queryApi/readModel.ts',
  'system/queryApi/statusSource.ts',
  'system/queryApi/watermarks.ts',
  'system/shared/kafka.ts',
  'system/shared/db.ts',
  'system/shared/dbSession.ts',
  'system/shared/topics.ts',
  'system/shared/events.ts',
  'system/shared/backoff.ts',
  'system/shared/deadline.ts',
  'system/shared/partitionCoverage.ts',
  'system/shared/fields.ts',
];
const NOT_TARGETED = /(^|\/)(main|config|metrics|instrumentation|routes|schemas)\.ts$|\.spec\.ts$/;

export interface GeneratedMutant {
  id: string; // g-<hash>
  /** Stryker's own id in this instrumentation (numbers in file order): the coverage map's key. */
  strykerId: string;
  file: string;
  mutatorName: string;
  line: number; // 1-based
  column: number; // 0-based, as Stryker reports it
  offset: number; // 0-based character offset of the original text
  original: string;
  replacement: string;
}

/** Every target file under `root`, in a stable order. */
export function targetFiles(root: string, targets: readonly string[] = GENERATED_TARGETS): string[] {
  const out: string[] = [];
  for (const t of targets) {
    if (!t.endsWith('/')) {
      out.push(t);
      continue;
    }
    for (const f of readdirSync(join(root, t)).sort()) if (f.endsWith('.ts') && !NOT_TARGETED.test(f)) out.push(`${t}${f}`);
  }
  return out.filter((f) => !NOT_TARGETED.test(f));
}

/** The character offset of a Stryker position (line 1-based, column 0-based). */
export function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    at = text.indexOf('\n', at) + 1;
    if (at === 0) throw new Error(`line ${line} is past the end of the file`);
  }
  return at + column;
}

export const generatedId = (m: Pick<GeneratedMutant, 'file' | 'line' | 'column' | 'mutatorName' | 'original' | 'replacement'>) =>
  `g-${createHash('sha256')
    .update([m.file, m.line, m.column, m.mutatorName, m.original, m.replacement].join('\u0000'))
    .digest('hex')
    .slice(0, 12)}`;

const quietLogger = {
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => true,
  isErrorEnabled: () => true,
  isFatalEnabled: () => true,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(`stryker: ${m}`),
  error: (m: string) => console.error(`stryker: ${m}`),
  fatal: (m: string) => console.error(`stryker: ${m}`),
};

export interface Instrumented {
  mutants: GeneratedMutant[];
  /** Each target file with every mutant switched in (Stryker's schemata), for the coverage run. */
  files: { name: string; content: string }[];
}

/** Lists (and switches in) every mutant of the target files. Takes seconds per file. */
export async function instrument(root: string, files: readonly string[] = targetFiles(root)): Promise<Instrumented> {
  const sources = new Map(files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
  const result = await new Instrumenter(quietLogger as never).instrument(
    files.map((name) => ({ name, content: sources.get(name)!, mutate: true })),
    { plugins: null, excludedMutations: [], ignorers: [observabilityIgnorer as never] },
  );
  const mutants = result.mutants
    .filter((m) => m.status !== 'Ignored')
    .map((m): GeneratedMutant => {
      const text = sources.get(m.fileName)!;
      // The instrumenter's own locations count lines from 0 (its API and reports from 1).
      const loc = m.location;
      const offset = offsetOf(text, loc.start.line + 1, loc.start.column);
      const original = text.slice(offset, offsetOf(text, loc.end.line + 1, loc.end.column));
      const base = { file: m.fileName, mutatorName: m.mutatorName, line: loc.start.line + 1, column: loc.start.column, original };
      return { ...base, id: generatedId({ ...base, replacement: m.replacement }), strykerId: m.id, offset, replacement: m.replacement };
    });
  return { mutants, files: result.files.map((f) => ({ name: f.name, content: f.content })) };
}

const preview = (s: string) => {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
};

/** The self-test's shape: one edit at the mutant's place, checked against the text it replaces. */
export function toMutant(g: GeneratedMutant, cells?: Mutant['cells']): Mutant {
  return {
    id: g.id,
    description: `${g.mutatorName} at ${g.file}:${g.line}:${g.column + 1}: \`${preview(g.original)}\` → \`${preview(g.replacement)}\``,
    edits: [{ file: g.file, find: g.original, replace: g.replacement, at: g.offset }],
    ...(cells ? { cells } : {}),
    sourceFile: 'generated',
  };
}
