import { describe, expect, it } from 'vitest';
import type { EnvReader } from '../../system/shared/config.ts';
import { documentedSettings, recordSettings, renderSettings } from './settingsDoc.ts';

describe('docs/settings.md', () => {
  it('says what the config definitions say: regenerate with npm run docs:settings when this fails', () => {
    expect(documentedSettings()).toBe(renderSettings());
  });

  it('would notice a default changed in one place only', () => {
    const build = (def: number) => (env: EnvReader) => ({ n: env.int('GROUP_CONCURRENCY', def, { min: 1, max: 8 }) });
    expect(recordSettings(build(2))).toEqual([{ name: 'GROUP_CONCURRENCY', accepted: 'integer in [1, 8]', default: '2' }]);
    expect(recordSettings(build(4))).not.toEqual(recordSettings(build(2)));
    const doc = documentedSettings()!;
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
