// `npm run rebuild-read-model` — replays `commands`' event store into an emptied read model.
// COMMANDS_DB_URL (read access to events) and QUERIES_DB_URL (an account that may TRUNCATE, i.e.
// the admin: the projector's account deliberately cannot) default to the admin URLs in
// .faultline/env.json. Stop the projector first. Any argument prints usage (exit 2).
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPool } from '../shared/db.ts';
import { adminUrl, readEnvFile } from '../shared/addresses.ts';
import { rebuildReadModel } from './rebuildReadModel.ts';

const USAGE = 'usage: npm run rebuild-read-model   (env: COMMANDS_DB_URL, QUERIES_DB_URL; stop the projector first)';

async function main(): Promise<void> {
  const file = readEnvFile();
  const commandsUrl = process.env.COMMANDS_DB_URL ?? (file ? adminUrl(file.mariadb.commands) : undefined);
  const queriesUrl = process.env.QUERIES_DB_URL ?? (file ? adminUrl(file.mariadb.queries) : undefined);
  if (!commandsUrl || !queriesUrl) throw new Error('set COMMANDS_DB_URL and QUERIES_DB_URL, or run `npm run env -- up`');
  const commands = createPool(commandsUrl, { connectionLimit: 1 });
  const queries = createPool(queriesUrl, { connectionLimit: 1 });
  try {
    const started = Date.now();
    const r = await rebuildReadModel({ commands, queries, onProgress: (n) => process.stderr.write(`\r${n} events`) });
    process.stderr.write('\n');
    process.stdout.write(`${JSON.stringify({ ...r, ms: Date.now() - started })}\n`);
  } finally {
    await Promise.all([commands.end(), queries.end()]);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolvePath(process.argv[1])).href) {
  if (process.argv.length > 2) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  main().catch((err: unknown) => {
    process.stderr.write(`rebuild failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
