// Runs before `npm test` / `npm run scenarios` (npm "pre" scripts) with no dependencies of its
// own: installs the node modules when they are missing or older than package-lock.json, so a
// fresh clone needs nothing but the command itself.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, statSync } from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  console.error(`faultline needs Node.js ≥ 20 (found ${process.versions.node})`);
  process.exit(1);
}
const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs;
// A node_modules that is a symbolic link is shared with another checkout: `npm ci` would empty the
// target for everyone, so it is left to whoever owns it.
const shared = existsSync('node_modules') && lstatSync('node_modules').isSymbolicLink();
if (stale && shared) {
  console.log(
    '[setup] node_modules is a shared link and looks older than package-lock.json: not reinstalling it (run npm ci where it lives if needed)',
  );
} else if (stale) {
  console.log('[setup] installing node modules (npm ci)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
}
