// Bad set-ups end in one clear line (missing tool) or the tail of the component's log (failed start).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MissingToolError, requireTool } from './install.ts';
import { StartError } from './processes.ts';

describe('set-up errors', () => {
  it('a missing tool names itself and how to install it', () => {
    expect(() => requireTool('faultline-no-such-tool', 'apt-get install it')).toThrow(MissingToolError);
    expect(() => requireTool('faultline-no-such-tool', 'apt-get install it')).toThrow(
      'faultline-no-such-tool is not installed: apt-get install it',
    );
    expect(() => requireTool('sh', 'never')).not.toThrow();
  });

  it("a failed start carries the last lines of that component's log", () => {
    const log = join(mkdtempSync(join(tmpdir(), 'fl-')), 'server.log');
    writeFileSync(
      log,
      Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n') + "\n[ERROR] Can't start server: Bind on TCP/IP port\n",
    );
    const err = new StartError('mariadb-commands', 'not ready after 30000 ms', log);
    expect(err.message).toMatch(/^mariadb-commands failed to start: not ready after 30000 ms/);
    expect(err.message).toContain("Can't start server: Bind on TCP/IP port");
    expect(err.message).not.toContain('line 0\n');
  });
});
