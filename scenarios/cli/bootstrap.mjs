// Runs before `npm test` / `npm run scenarios` (npm "pre" scripts) with no dependencies of its
// own: installs the node modules when they are missing or older than package-lock.json, so a
// fresh clone needs nothing but the command itself.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  console.error(`faultline needs Node.js ≥ 20 (found ${process.versions.node})`);
  process.exit(1);
}
const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale) {
  console.log('[setup] installing node modules (npm ci)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
}
