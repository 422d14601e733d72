// The binary log of `commands`: only the cdc publish modes read it (Debezium), and every commit
// pays for it (sync_binlog=1 is a second fsync), so an environment has it only when it was brought
// up for those modes. Which modes need it, whether an environment can be switched, and the check
// that refuses a cdc start on a server without one, before anything waits for Debezium.
import mysql from 'mysql2/promise';
import { isCdc, type PublishMode } from '../../system/shared/modes.ts';
import type { EnvAddresses } from './types.ts';

/** Whether a publish mode reads the binary log. */
export const needsBinlog = (publish: PublishMode): boolean => isCdc(publish);

/** What the environment says it has; an env.json from before the binlog was recorded says nothing (treated as off). */
export const hasBinlog = (env: Pick<EnvAddresses, 'mariadb'>): boolean => env.mariadb.commands.binlog === true;

/**
 * What bringing `env` to `wanted` takes: nothing, a restart of `commands` with the other setting
 * (the local provider runs it), or a refusal saying why. The user's own server (external) keeps
 * a binary log it has: a mode that does not read it runs there as well.
 */
export function binlogChange(env: Pick<EnvAddresses, 'provider' | 'mariadb'>, wanted: boolean): 'keep' | 'restart' | { refused: string } {
  const has = hasBinlog(env);
  if (has === wanted) return 'keep';
  if (env.provider === 'local') return 'restart';
  if (!wanted) return 'keep';
  return {
    refused:
      env.provider === 'testcontainers'
        ? 'the testcontainers provider runs commands without a binary log (and has no Kafka Connect): the cdc publish modes need --provider local'
        : `mariadb commands (${env.mariadb.commands.host}:${env.mariadb.commands.port}) has no binary log: the cdc publish modes read it; start it with log_bin, binlog_format=ROW, binlog_row_image=FULL and a server_id`,
  };
}

/** The server's binary-log settings Debezium depends on, as it reports them. */
export interface BinlogVariables {
  log_bin: number | string;
  binlog_format: string;
  binlog_row_image: string;
}

/** Why `publish` cannot run on a server with these settings, with the fix; undefined when it can. Pure. */
export function binlogProblem(v: BinlogVariables, publish: PublishMode, provider: EnvAddresses['provider']): string | undefined {
  if (!needsBinlog(publish)) return undefined;
  const fix =
    provider === 'local'
      ? `bring the environment up for it: \`npm run env -- up --publish ${publish}\` (or \`up --binlog\`), which restarts commands with its binary log and keeps its data; \`npm run scenario(s)\` does this by itself`
      : provider === 'testcontainers'
        ? 'the testcontainers provider has none: use --provider local'
        : 'configure your commands server with log_bin, binlog_format=ROW and binlog_row_image=FULL';
  if (Number(v.log_bin) !== 1)
    return `--publish ${publish} streams the binary log of commands, and this environment runs it without one (log_bin=0): ${fix}`;
  if (v.binlog_format !== 'ROW' || v.binlog_row_image !== 'FULL')
    return `--publish ${publish} needs row events with every column (binlog_format=ROW, binlog_row_image=FULL); commands has binlog_format=${v.binlog_format}, binlog_row_image=${v.binlog_row_image}: ${fix}`;
  return undefined;
}

/** Asks `commands` itself (what env.json says may be stale) and throws the problem, if any. */
export async function requireBinlog(env: EnvAddresses, publish: PublishMode): Promise<void> {
  if (!needsBinlog(publish)) return;
  const d = env.mariadb.commands;
  const conn = await mysql.createConnection({
    host: d.host,
    port: d.port,
    user: d.admin.user,
    password: d.admin.password,
    connectTimeout: 5000,
  });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT @@log_bin AS log_bin, @@binlog_format AS binlog_format, @@binlog_row_image AS binlog_row_image',
    );
    const problem = binlogProblem(rows[0] as BinlogVariables, publish, env.provider);
    if (problem) throw new Error(problem);
  } finally {
    await conn.end().catch(() => undefined);
  }
}
