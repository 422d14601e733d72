// A mutant is a planted bug, written as data: one or more exact-text edits to files in `system/`,
// plus the scenario runs that should catch it. Loading validates everything and names the file
// and field of every problem, so a broken fixture fails loudly instead of silently surviving.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { CONSUME_MODES, PUBLISH_MODES, type Configuration } from '../../system/shared/modes.ts';

export interface Edit {
  file: string; // repository-relative, under system/
  find: string; // exact text, must occur exactly once in the file (after earlier edits)
  replace: string;
  /** Generated mutants: `find` must start at this character offset (it need not be unique). */
  at?: number;
}

/** One scenario in one configuration, as `name` or `name@publish/consume` in the fixture. */
export interface CellRef {
  scenario: string;
  configuration: Configuration;
}

export interface Mutant {
  id: string;
  description: string;
  /** Why the harness should catch it: which fault or checker is meant to see it. */
  killedBy?: string;
  edits: Edit[];
  /** The runs meant to kill it, in order; undefined: the ci profile. */
  cells?: CellRef[];
  sourceFile: string;
}

export class MutantError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'MutantError';
  }
}

export const DEFAULT_CONFIGURATION: Configuration = { publish: 'outbox', consume: 'effectively-once' };
const ID = /^[a-z0-9][a-z0-9-]*$/;
const FIELDS = new Set(['id', 'description', 'killedBy', 'file', 'find', 'replace', 'edits', 'scenarios', 'configuration']);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseConfiguration(v: unknown, where: string, problems: string[]): Configuration | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v)) {
    problems.push(`${where} must be an object { publish, consume }`);
    return undefined;
  }
  const publish = v.publish ?? DEFAULT_CONFIGURATION.publish;
  const consume = v.consume ?? DEFAULT_CONFIGURATION.consume;
  if (!(PUBLISH_MODES as readonly unknown[]).includes(publish))
    problems.push(`${where}.publish must be one of ${PUBLISH_MODES.join(', ')}`);
  if (!(CONSUME_MODES as readonly unknown[]).includes(consume))
    problems.push(`${where}.consume must be one of ${CONSUME_MODES.join(', ')}`);
  return { publish, consume } as Configuration;
}

/** `kill-relay` or `kill-relay@outbox/at-least-once`. */
export function parseCellRef(text: string, fallback: Configuration): CellRef {
  const [scenario, config, extra] = text.split('@');
  if (!scenario || extra !== undefined || !ID.test(scenario))
    throw new Error(`"${text}" is not a scenario reference (name or name@publish/consume)`);
  if (config === undefined) return { scenario, configuration: fallback };
  const [publish, consume, more] = config.split('/');
  if (
    more !== undefined ||
    !(PUBLISH_MODES as readonly (string | undefined)[]).includes(publish) ||
    !(CONSUME_MODES as readonly (string | undefined)[]).includes(consume)
  ) {
    throw new Error(
      `"${text}": the configuration must be publish/consume with publish in ${PUBLISH_MODES.join('|')} and consume in ${CONSUME_MODES.join('|')}`,
    );
  }
  return { scenario, configuration: { publish, consume } as Configuration };
}

function parseEdit(v: unknown, where: string, problems: string[]): Edit | undefined {
  if (!isObj(v)) {
    problems.push(`${where} must be an object { file, find, replace }`);
    return undefined;
  }
  const { file, find, replace } = v;
  const before = problems.length;
  if (typeof file !== 'string' || !/^system\/[\w./-]+\.ts$/.test(file) || file.includes('..'))
    problems.push(`${where}.file must be a .ts path under system/ (got ${JSON.stringify(file)})`);
  else if (/\.spec\.ts$/.test(file))
    problems.push(`${where}.file ${file} is a test: a mutant plants a bug in the system, not in its tests`);
  if (typeof find !== 'string' || find.length === 0) problems.push(`${where}.find must be a non-empty string`);
  if (typeof replace !== 'string') problems.push(`${where}.replace must be a string (may be empty: deletes the text)`);
  if (typeof find === 'string' && find === replace) problems.push(`${where}: replace equals find, so this edit changes nothing`);
  return problems.length === before ? { file: file as string, find: find as string, replace: replace as string } : undefined;
}

/** Validates one fixture's parsed JSON. `knownScenarios`: names a scenario reference may use. */
export function parseMutant(raw: unknown, sourceFile: string, knownScenarios?: readonly string[]): Mutant {
  const problems: string[] = [];
  if (!isObj(raw)) throw new MutantError(sourceFile, ['must be a JSON object']);
  for (const k of Object.keys(raw)) if (!FIELDS.has(k)) problems.push(`unknown field "${k}"; accepted: ${[...FIELDS].join(', ')}`);
  const expectedId = basename(sourceFile, extname(sourceFile));
  if (typeof raw.id !== 'string' || !ID.test(raw.id)) problems.push('id must be lower-case letters, digits and dashes');
  else if (raw.id !== expectedId) problems.push(`id "${raw.id}" must match the file name "${expectedId}"`);
  if (typeof raw.description !== 'string' || raw.description.trim() === '') problems.push('description must say what bug this plants');
  if (raw.killedBy !== undefined && typeof raw.killedBy !== 'string') problems.push('killedBy must be a string');

  const single = raw.file !== undefined || raw.find !== undefined || raw.replace !== undefined;
  const edits: Edit[] = [];
  if (single && raw.edits !== undefined) problems.push('give either file/find/replace or edits, not both');
  else if (single) {
    const e = parseEdit({ file: raw.file, find: raw.find, replace: raw.replace }, 'edit', problems);
    if (e) edits.push(e);
  } else if (Array.isArray(raw.edits) && raw.edits.length > 0) {
    raw.edits.forEach((x, i) => {
      const e = parseEdit(x, `edits[${i}]`, problems);
      if (e) edits.push(e);
    });
  } else problems.push('needs file/find/replace, or a non-empty edits array');

  const configuration = parseConfiguration(raw.configuration, 'configuration', problems) ?? DEFAULT_CONFIGURATION;
  let cells: CellRef[] | undefined;
  if (raw.scenarios !== undefined) {
    if (!Array.isArray(raw.scenarios) || raw.scenarios.length === 0)
      problems.push('scenarios must be a non-empty array of "name" or "name@publish/consume"');
    else {
      cells = [];
      for (const s of raw.scenarios) {
        try {
          if (typeof s !== 'string') throw new Error(`${JSON.stringify(s)} is not a string`);
          const ref = parseCellRef(s, configuration);
          if (knownScenarios && !knownScenarios.includes(ref.scenario))
            throw new Error(`unknown scenario "${ref.scenario}"; known: ${knownScenarios.join(', ')}`);
          cells.push(ref);
        } catch (err) {
          problems.push(`scenarios: ${(err as Error).message}`);
        }
      }
    }
  } else if (raw.configuration !== undefined)
    problems.push('configuration needs scenarios (without them the mutant runs the whole ci profile)');
  if (problems.length) throw new MutantError(sourceFile, problems);
  return {
    id: raw.id as string,
    description: (raw.description as string).trim(),
    ...(typeof raw.killedBy === 'string' ? { killedBy: raw.killedBy } : {}),
    edits,
    ...(cells ? { cells } : {}),
    sourceFile,
  };
}

/** Every `*.json` in `dir`, validated; all problems of all files are reported together. */
export function loadMutants(dir: string, knownScenarios?: readonly string[]): Mutant[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const out: Mutant[] = [];
  const errors: string[] = [];
  for (const f of files) {
    const file = join(dir, f);
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new MutantError(file, [`not valid JSON: ${(e as Error).message}`]);
      }
      out.push(parseMutant(raw, file, knownScenarios));
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (errors.length) throw new Error(`invalid mutant fixtures:\n${errors.join('\n')}`);
  return out;
}

/** Keeps the mutants named by --only, in fixture order; an unknown id is an error. */
export function selectMutants(all: readonly Mutant[], only: readonly string[] | undefined): Mutant[] {
  if (!only?.length) return [...all];
  const unknown = only.filter((id) => !all.some((m) => m.id === id));
  if (unknown.length) throw new Error(`unknown mutant ${unknown.join(', ')}; known: ${all.map((m) => m.id).join(', ')}`);
  return all.filter((m) => only.includes(m.id));
}
