// `npm run profile -- <file.cpuprofile | dir> [--top N]`: self time per function and per file of
// V8 CPU profiles (the bench writes one per system process and phase), so where the time goes
// can be read without a browser.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { renderSummary, summarizeProfileFile } from '../bench/profileSummary.ts';
import { parseArgs, runCli, UsageError } from './args.ts';

const USAGE = `usage: npm run profile -- <file.cpuprofile | directory>... [--top N]
  Sums self time per function and per file (node_modules grouped by package) and prints the top N
  (default 10) of each, with the share of busy time, for each profile given or found in a directory.`;

const FLAGS = { top: { kind: 'int', min: 1, max: 1000 } } as const;

function profilesUnder(path: string): string[] {
  if (!statSync(path, { throwIfNoEntry: false })) throw new UsageError(`${path} does not exist`, USAGE);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .map((f) => join(path, f));
}

runCli(async () => {
  const { positional, flags } = parseArgs(process.argv.slice(2), FLAGS, USAGE);
  if (positional.length === 0) throw new UsageError('give a .cpuprofile file or a directory of them', USAGE);
  const top = flags.top ?? 10;
  const files = positional.flatMap(profilesUnder);
  if (files.length === 0) throw new UsageError(`no .cpuprofile under ${positional.join(', ')}`, USAGE);
  for (const f of files) {
    const label = positional.length === 1 && files.length > 1 ? f.slice(positional[0]!.length).replace(/^\//, '') : basename(f);
    console.log(renderSummary(label, summarizeProfileFile(f, { top, root: PROJECT_ROOT }), top).join('\n'));
  }
  return 0;
});
