import type { PageEntry } from '../history/types.ts';
import { result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

/**
 * `page-inconsistent` (pages of `GET /users`, deleted users included): a page that contradicts
 * its own total, or lists a user twice. The query API answers a page and its total from one read
 * view, so page N of size S holds exactly min(S, max(0, total − (N − 1)·S)) users: a total counted
 * in another statement (a write landing between the two), a wrong offset or a cached total breaks
 * it; so does an empty page where the total says there are users. The items themselves are reads
 * of their users, judged by `stale-read` and `read-behind`.
 */
export function checkPageInconsistent(input: CheckInput): CheckResult {
  const anomalies: Anomaly[] = [];
  for (const p of pagesOf(input)) {
    const { number, size, total, count } = p;
    const expected = Math.min(size, Math.max(0, total - (number - 1) * size));
    const ids = p.userIds;
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    const why =
      count !== expected
        ? `holds ${count} users where its total of ${total} means ${expected}`
        : twice.length > 0
          ? `lists ${[...new Set(twice)].join(', ')} more than once`
          : undefined;
    if (!why) continue;
    anomalies.push({
      name: 'page-inconsistent',
      message: `reader ${p.reader}'s page ${number} (size ${size}, sent at ${Math.round(p.sentMs ?? Number.NaN)} ms) ${why}`,
      data: { page: { read: p.read, number, size, total, count }, userIds: ids },
    });
  }
  return result('page-inconsistent', anomalies);
}

/** The run's pages; a history recorded before pages had entries of their own has them only through their items. */
function pagesOf(input: CheckInput): Omit<PageEntry, 'type' | 't'>[] {
  if (input.pages) return [...input.pages];
  const byRead = new Map<number, Omit<PageEntry, 'type' | 't'>>();
  for (const r of input.reads ?? []) {
    if (!r.page) continue;
    const p = byRead.get(r.page.read) ?? {
      ...r.page,
      reader: r.reader,
      userIds: [],
      ...(r.sentMs !== undefined ? { sentMs: r.sentMs } : {}),
    };
    p.userIds.push(r.userId);
    byRead.set(r.page.read, p);
  }
  return [...byRead.values()];
}
