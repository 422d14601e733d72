import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveAddresses } from './addresses.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-addr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = (port: number, database: string) => ({ host: '127.0.0.1', port, database, admin: { user: 'root', password: 'p@ss' } });
writeFileSync(
  join(dir, 'env.json'),
  JSON.stringify({ kafka: { internal: ['127.0.0.1:1111'] }, mariadb: { commands: db(2222, 'commands'), queries: db(3333, 'queries') } }),
);

const names = { kafka: 'K', commands: 'C', queries: 'Q' };
const fallback = { kafkaBrokers: ['127.0.0.1:9'], commandsDbUrl: 'mysql://fallback/c', queriesDbUrl: 'mysql://fallback/q' };

describe('resolveAddresses', () => {
  it('finds the environment of FAULTLINE_RUN_DIR without any database URL given', () => {
    expect(resolveAddresses(names, fallback, { FAULTLINE_RUN_DIR: dir })).toEqual({
      kafkaBrokers: ['127.0.0.1:1111'],
      commandsDbUrl: 'mysql://root:p%40ss@127.0.0.1:2222/commands',
      queriesDbUrl: 'mysql://root:p%40ss@127.0.0.1:3333/queries',
    });
  });

  it('prefers explicit variables, and falls back when the run dir has no environment', () => {
    expect(resolveAddresses(names, fallback, { FAULTLINE_RUN_DIR: dir, Q: 'mysql://x/q' }).queriesDbUrl).toBe('mysql://x/q');
    expect(resolveAddresses(names, fallback, { FAULTLINE_RUN_DIR: join(dir, 'nothing') })).toEqual(fallback);
  });
});
