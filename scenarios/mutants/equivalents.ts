// The committed list of equivalent generated mutants (fixtures/equivalent-mutants.tsv): each one
// decided by reading it, with its reason. Parsing is strict, so a malformed line is an error that
// names it, never a silently ignored entry.
import { readFileSync } from 'node:fs';

export interface Equivalent {
  id: string;
  where: string;
  why: string;
}

export function parseEquivalents(text: string, source = 'equivalents'): Map<string, Equivalent> {
  const out = new Map<string, Equivalent>();
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const [id, where, why, ...rest] = line.split('\t');
    if (!id || !/^g-[0-9a-f]{12}$/.test(id) || !where || !why?.trim() || rest.length)
      problems.push(`${source}:${i + 1}: expected "<g-id>\\t<file:line>\\t<why>", got ${JSON.stringify(line)}`);
    else if (out.has(id)) problems.push(`${source}:${i + 1}: ${id} is listed twice`);
    else out.set(id, { id, where, why: why.trim() });
  });
  if (problems.length) throw new Error(problems.join('\n'));
  return out;
}

export const loadEquivalents = (file: string) => parseEquivalents(readFileSync(file, 'utf8'), file);
