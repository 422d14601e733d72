// Applying a mutant's edits to file contents. Pure (the reader is injected): an edit whose `find`
// is missing or ambiguous is an error that says which, so a mutant never silently applies to the
// wrong place after the code it targets has changed.
import type { Edit, Mutant } from './mutant.ts';

export class ApplyError extends Error {
  constructor(
    readonly mutantId: string,
    readonly problem: 'not-found' | 'ambiguous' | 'unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'ApplyError';
  }
}

export interface MutatedFile {
  file: string;
  original: string;
  mutated: string;
  /** 1-based line of each edit's first changed line, in the file as it was before the edit. */
  lines: number[];
}

export function countOccurrences(text: string, find: string): number {
  if (find.length === 0) return 0;
  let n = 0;
  for (let at = text.indexOf(find); at !== -1; at = text.indexOf(find, at + find.length)) n++;
  return n;
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;
const preview = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);

/** Where the find text's first meaningful line still is, if anywhere: most re-targets start there. */
function hint(text: string, find: string): string {
  const first = find
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length >= 8);
  if (!first) return '';
  const at = text.split('\n').flatMap((l, i) => (l.includes(first) ? [i + 1] : []));
  return at.length ? ` (its first line ${preview(first)} is still at line ${at.join(', ')})` : '';
}

/** Applies every edit in order (several may touch one file); returns one entry per file touched. */
export function applyEdits(mutant: Pick<Mutant, 'id' | 'edits'>, read: (file: string) => string): MutatedFile[] {
  const files = new Map<string, MutatedFile>();
  for (const [i, e] of mutant.edits.entries()) {
    let f = files.get(e.file);
    if (!f) {
      let text: string;
      try {
        text = read(e.file);
      } catch (err) {
        throw new ApplyError(mutant.id, 'unreadable', `${mutant.id}: edit ${i + 1}: cannot read ${e.file}: ${(err as Error).message}`);
      }
      f = { file: e.file, original: text, mutated: text, lines: [] };
      files.set(e.file, f);
    }
    f.mutated = applyOne(mutant.id, i, e, f);
  }
  return [...files.values()];
}

function applyOne(id: string, i: number, e: Edit, f: MutatedFile): string {
  if (e.at !== undefined) {
    if (f.mutated.slice(e.at, e.at + e.find.length) !== e.find) {
      throw new ApplyError(
        id,
        'not-found',
        `${id}: edit ${i + 1}: ${e.file} no longer has ${preview(e.find)} at offset ${e.at}; generate again`,
      );
    }
    f.lines.push(lineAt(f.mutated, e.at));
    return f.mutated.slice(0, e.at) + e.replace + f.mutated.slice(e.at + e.find.length);
  }
  const n = countOccurrences(f.mutated, e.find);
  if (n === 0) {
    throw new ApplyError(
      id,
      'not-found',
      `${id}: edit ${i + 1}: ${e.file} no longer contains ${preview(e.find)}${hint(f.mutated, e.find)}; re-target the find text to the current code`,
    );
  }
  if (n > 1) {
    throw new ApplyError(
      id,
      'ambiguous',
      `${id}: edit ${i + 1}: ${preview(e.find)} occurs ${n} times in ${e.file}; extend the find text until it is unique`,
    );
  }
  const at = f.mutated.indexOf(e.find);
  f.lines.push(lineAt(f.mutated, at));
  return f.mutated.slice(0, at) + e.replace + f.mutated.slice(at + e.find.length);
}

/** Where the mutant lives, for the report: `system/x.ts:12` (first edit of each file). */
export function locations(files: readonly MutatedFile[]): string[] {
  return files.map((f) => `${f.file}:${f.lines[0] ?? 1}`);
}
