// `npm run dlq -- list [--all] [--json] | replay <id>... | discard <id>...`
// Resolves dead letters of the projector. The queries database comes from QUERIES_DB_URL
// (the projector's account suffices), else from the running environment's env.json in
// FAULTLINE_RUN_DIR (default .faultline; admin account), like the other commands.
// CONSUME_MODE (default effectively-once) decides how released events are deduplicated.
import { pathToFileURL } from 'node:url';
import { resolve as resolvePath } from 'node:path';
import { createPool } from '../shared/db.ts';
import { CONSUME_MODES, type ConsumeMode } from '../projector/decide.ts';
import { DeadLetterActionError, discardDeadLetter, listDeadLetters, parkedSummary, replayDeadLetter } from '../projector/deadLetters.ts';
import { adminUrl, readEnvFile, runDirOf } from '../shared/addresses.ts';

export const USAGE = 'usage: npm run dlq -- list [--all] [--json] | replay <id>... | discard <id>...  (ids in the order to act on)';

export type DlqCommand = { action: 'list'; all: boolean; json: boolean } | { action: 'replay' | 'discard'; ids: number[] };

/** Parses argv (after `--`); null means usage error. */
export function parseDlqArgs(argv: string[]): DlqCommand | null {
  const [action, ...rest] = argv;
  if (action === 'list') {
    if (rest.some((a) => a !== '--all' && a !== '--json')) return null;
    return { action, all: rest.includes('--all'), json: rest.includes('--json') };
  }
  if ((action === 'replay' || action === 'discard') && rest.length > 0 && rest.every((a) => /^[1-9]\d{0,17}$/.test(a))) {
    if (new Set(rest).size !== rest.length) return null; // one dead letter twice is a mistake, not a retry
    return { action, ids: rest.map(Number) };
  }
  return null;
}

function queriesUrl(): string {
  const url =
    process.env.QUERIES_DB_URL ??
    (() => {
      const f = readEnvFile();
      return f ? adminUrl(f.mariadb.queries) : undefined;
    })();
  if (!url)
    throw new DeadLetterActionError(
      `no queries database: no environment in ${runDirOf()} (run \`npm run env -- up\`) and no QUERIES_DB_URL`,
    );
  return url;
}

function consumeMode(): ConsumeMode {
  const m = process.env.CONSUME_MODE ?? 'effectively-once';
  if (!(CONSUME_MODES as readonly string[]).includes(m))
    throw new DeadLetterActionError(`CONSUME_MODE=${m}; accepted: ${CONSUME_MODES.join('|')}`);
  return m as ConsumeMode;
}

export async function runDlq(cmd: DlqCommand, out: (line: string) => void): Promise<void> {
  const mode = consumeMode();
  const pool = createPool(queriesUrl(), { connectionLimit: 2 });
  try {
    if (cmd.action === 'list') {
      const rows = await listDeadLetters(pool, { all: cmd.all });
      const parked = await parkedSummary(pool);
      if (cmd.json) return out(JSON.stringify({ deadLetters: rows, parked }, null, 2));
      if (rows.length === 0) out(cmd.all ? 'no dead letters' : 'no open dead letters');
      for (const r of rows) {
        out(
          `#${r.id} ${r.status} ${r.topic}/${r.partition}@${r.offset} stream=${r.streamId ?? '-'} v=${r.streamVersion ?? '-'} ` +
            `${r.exceptionFqcn.replace(/^.*\./, '')} attempts=${r.attempts} parked-behind=${r.parkedBehind}` +
            `${r.blocksStream ? '' : ' (blocks nothing)'}${r.topicCopy === 'full' || r.topicCopy === null ? '' : ` topic-copy=${r.topicCopy}`}: ${r.exceptionMessage}`,
        );
      }
      out(
        `parked events: ${parked.parked} (${parked.gaps} behind a version gap)` +
          (parked.parked > 0 ? `; oldest parked ${parked.oldestAgeSeconds.toFixed(1)} s ago` : '') +
          (parked.oldestGapStream ? `; oldest gap on stream ${parked.oldestGapStream}` : ''),
      );
    } else if (cmd.action === 'replay') {
      // In the order given, each in its own transaction: one that fails stops the rest.
      for (const id of cmd.ids) {
        const r = await replayDeadLetter(pool, id, mode);
        out(`dead letter #${id} replayed (${r.decision}); ${r.released} parked event(s) released`);
      }
    } else {
      for (const id of cmd.ids) {
        const r = await discardDeadLetter(pool, id, mode);
        out(`dead letter #${id} discarded; ${r.released} parked event(s) released`);
      }
    }
  } finally {
    await pool.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolvePath(process.argv[1])).href) {
  const cmd = parseDlqArgs(process.argv.slice(2));
  if (!cmd) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  runDlq(cmd, (l) => process.stdout.write(`${l}\n`)).catch((err: unknown) => {
    process.stderr.write(`dlq ${cmd.action} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
