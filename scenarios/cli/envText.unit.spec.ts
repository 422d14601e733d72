import { describe, expect, it } from 'vitest';
import { systemRows } from './envText.ts';

describe('systemRows', () => {
  it('prints every URL as text and each extra instance on its own line, never an object', () => {
    const rows = systemRows({
      commandService: 'http://127.0.0.1:1',
      commandServiceDirect: 'http://127.0.0.1:2',
      queryApi: 'http://127.0.0.1:3',
      relay: 'http://127.0.0.1:4',
      projector: 'http://127.0.0.1:5',
      instances: { relay: 'http://127.0.0.1:4', 'projector#2': 'http://127.0.0.1:6' },
    });
    expect(rows).toEqual([
      ['commandService', 'http://127.0.0.1:1'],
      ['commandServiceDirect', 'http://127.0.0.1:2'],
      ['queryApi', 'http://127.0.0.1:3'],
      ['relay', 'http://127.0.0.1:4'],
      ['projector', 'http://127.0.0.1:5'],
      ['instance projector#2', 'http://127.0.0.1:6'],
    ]);
    expect(rows.flat().join(' ')).not.toContain('[object');
  });
  it('prints nothing for an infra-only environment', () => expect(systemRows(undefined)).toEqual([]));
});
