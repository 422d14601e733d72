// Which failures the projector retries (then dead-letters when the budget runs out) versus
// dead-letters at once. Beyond the shared DB classification, a privilege error counts as
// transient here: it is the environment failing (a revoked grant), never the record's fault.
import { isRetriableDbError } from '../shared/db.ts';

const ENVIRONMENT_CODES = new Set([
  'ER_TABLEACCESS_DENIED_ERROR', // 1142
  'ER_DBACCESS_DENIED_ERROR', // 1044
  'ER_ACCESS_DENIED_ERROR', // 1045
  'ER_COLUMNACCESS_DENIED_ERROR', // 1143
  'ER_OPTION_PREVENTS_STATEMENT', // 1290: read-only server
  'ER_QUERY_INTERRUPTED', // 1317: KILL QUERY
]);

export function isTransient(err: unknown): boolean {
  if (isRetriableDbError(err)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && ENVIRONMENT_CODES.has(code)) return true;
  // mysql2 pool failures while the server is unreachable.
  const msg = err instanceof Error ? err.message : '';
  return /connect ETIMEDOUT|Too many connections/i.test(msg);
}
