import type { ReadEntry } from '../history/types.ts';
import { result, type Anomaly, type CheckInput, type CheckResult } from './types.ts';

/**
 * `page-inconsistent` (pages of `GET /users`, deleted users included): a page that contradicts
 * its own total, or lists a user twice. The query API answers a page and its total from one read
 * view, so page N of size S holds exactly min(S, max(0, total − (N − 1)·S)) users: a total counted
 * in another statement (a write landing between the two), a wrong offset or a cached total breaks
 * it. The items themselves are reads of their users, judged by `stale-read` and `read-behind`.
 */
export function checkPageInconsistent(input: CheckInput): CheckResult {
  const pages = new Map<number, ReadEntry[]>();
  for (const r of input.reads ?? []) if (r.page) pages.set(r.page.read, [...(pages.get(r.page.read) ?? []), r]);
  const anomalies: Anomaly[] = [];
  for (const items of pages.values()) {
    const { number, size, total, count } = items[0]!.page!;
    const expected = Math.min(size, Math.max(0, total - (number - 1) * size));
    const ids = items.map((r) => r.userId);
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
      message: `reader ${items[0]!.reader}'s page ${number} (size ${size}, sent at ${Math.round(items[0]!.sentMs ?? Number.NaN)} ms) ${why}`,
      data: { page: items[0]!.page, userIds: ids },
    });
  }
  return result('page-inconsistent', anomalies);
}
