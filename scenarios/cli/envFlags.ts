// `npm run env -- up`: whether `commands` gets its binary log. Pure.
import { isCdc, type PublishMode } from '../../system/shared/modes.ts';

/**
 * On with --binlog or a cdc publish mode (Debezium reads it), off with --no-binlog; otherwise as
 * the running environment has it (like its broker count), else off. A string is a usage error.
 */
export function binlogFromFlags(
  flags: { binlog?: true; 'no-binlog'?: true; publish?: PublishMode },
  running: boolean | undefined,
): boolean | string {
  const cdc = flags.publish !== undefined && isCdc(flags.publish);
  if (flags['no-binlog'] && (flags.binlog || cdc))
    return flags.binlog
      ? '--binlog and --no-binlog contradict each other'
      : `--publish ${flags.publish} reads the binary log: it cannot go with --no-binlog`;
  if (flags.binlog || cdc) return true;
  if (flags['no-binlog']) return false;
  return running ?? false;
}
