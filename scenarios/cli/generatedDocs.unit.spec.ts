import { describe, expect, it } from 'vitest';
import type { EnvReader } from '../../system/shared/config.ts';
import { documentedPart, GENERATED_DOCS, recordSettings, renderAnomalies, renderSettings, SETTINGS_DOC } from './generatedDocs.ts';
import { ANOMALY_NAMES } from '../checkers/types.ts';
import { KINDS } from '../faults/registry.ts';

describe('generated docs', () => {
  it.each(GENERATED_DOCS.map((d) => [d.file.replace(/.*\/docs\//, 'docs/'), d] as const))(
    '%s says what the code says: regenerate with npm run docs when this fails',
    (_name, d) => {
      expect(documentedPart(d.file)).toBe(d.render());
    },
  );

  it('list every anomaly and every fault kind', () => {
    const anomalies = renderAnomalies();
    for (const a of ANOMALY_NAMES) expect(anomalies).toContain(`| \`${a}\` |`);
    const faults = GENERATED_DOCS[2]!.render();
    for (const k of KINDS.keys()) expect(faults).toContain(`| \`${k}\` |`);
  });

  it('would notice a default changed in one place only', () => {
    const build = (def: number) => (env: EnvReader) => ({ n: env.int('GROUP_CONCURRENCY', def, { min: 1, max: 8 }) });
    expect(recordSettings(build(2))).toEqual([{ name: 'GROUP_CONCURRENCY', accepted: 'integer in [1, 8]', default: '2' }]);
    expect(recordSettings(build(4))).not.toEqual(recordSettings(build(2)));
    const doc = documentedPart(SETTINGS_DOC)!;
    expect(doc).toContain('| `GROUP_CONCURRENCY` | integer in [1, 8] | `2` |');
    expect(doc.replace('| `GROUP_CONCURRENCY` | integer in [1, 8] | `2` |', '| `GROUP_CONCURRENCY` | integer in [1, 8] | `4` |')).not.toBe(
      renderSettings(),
    );
  });

  it('records required, optional, list and choice settings as such', () => {
    const rows = recordSettings((env) => ({
      a: env.url('A_URL', ['mysql']),
      b: env.optional('B'),
      c: env.list('C', []),
      d: env.oneOf('D', ['x', 'y'], 'y'),
    }));
    expect(rows.map((r) => [r.name, r.default])).toEqual([
      ['A_URL', '—'],
      ['B', '(unset)'],
      ['C', '(none)'],
      ['D', 'y'],
    ]);
  });
});
