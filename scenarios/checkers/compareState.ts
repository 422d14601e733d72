import type { UserState } from '../workload/model.ts';
import type { AnomalyName, Anomaly, UserDataRow } from './types.ts';

export interface FieldDiff {
  field: 'row' | 'name' | 'version' | 'deleted' | 'dateRegister';
  expected: unknown;
  actual: unknown;
}

/** DATETIME columns may drop milliseconds: compare instants to the second. */
function sameSecond(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true; // nothing to compare against
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a === b;
  return Math.floor(ta / 1000) === Math.floor(tb / 1000);
}

export function diffUser(expected: UserState | undefined, actual: UserDataRow | undefined): FieldDiff[] {
  if (!expected && !actual) return [];
  if (!expected) return [{ field: 'row', expected: null, actual: actual!.idUserData }];
  if (!actual) return [{ field: 'row', expected: expected.userId, actual: null }];
  const d: FieldDiff[] = [];
  if (expected.name !== actual.name) d.push({ field: 'name', expected: expected.name, actual: actual.name });
  if (expected.version !== actual.version) d.push({ field: 'version', expected: expected.version, actual: actual.version });
  if (expected.deleted !== actual.deleted) d.push({ field: 'deleted', expected: expected.deleted, actual: actual.deleted });
  if (!sameSecond(expected.dateRegister, actual.dateRegister))
    d.push({ field: 'dateRegister', expected: expected.dateRegister, actual: actual.dateRegister });
  return d;
}

/** One anomaly per stream whose row differs from the fold; `where` names the table compared. */
export function compareWithFold(
  name: AnomalyName,
  where: string,
  expected: ReadonlyMap<string, UserState>,
  rows: readonly UserDataRow[],
): Anomaly[] {
  const actual = new Map(rows.map((r) => [r.idUserData, r]));
  const ids = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  const out: Anomaly[] = [];
  for (const id of ids) {
    const e = expected.get(id);
    const a = actual.get(id);
    const diffs = diffUser(e, a);
    if (diffs.length === 0) continue;
    const what = diffs.map((x) =>
      x.field === 'row'
        ? x.actual === null
          ? 'row missing'
          : 'row without events'
        : `${x.field} ${JSON.stringify(x.expected)}≠${JSON.stringify(x.actual)}`,
    );
    const versions = [e?.version, a?.version].filter((v): v is number => v !== undefined);
    out.push({
      name,
      message: `${id} in ${where}: ${what.join(', ')} (expected ≠ actual)`,
      streamId: id,
      versions,
      data: { where, diffs },
    });
  }
  return out;
}
