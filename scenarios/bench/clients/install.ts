// On-demand installs of the candidate clients into a cache folder, one folder per pinned
// version, timed, with how the native part (if any) was obtained; and loading them from there.
// A failed install is an outcome with its error, never an exception.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Candidate } from './pins.ts';

export type BuildKind = 'prebuilt binary' | 'built from source' | 'pure JavaScript' | 'project dependency' | 'unknown';

export interface InstallAttempt {
  env: Record<string, string>;
  ms: number;
  ok: boolean;
  build: BuildKind;
}

export interface InstallOutcome {
  pkg: string;
  version: string;
  dir?: string;
  /** The successful (or last) attempt's wall time; for a cached install, the first one's. */
  ms: number;
  cached: boolean;
  build: BuildKind;
  attempts: InstallAttempt[];
  error?: string;
}

const INSTALL_TIMEOUT_MS = 20 * 60_000; // a source build of librdkafka on a small machine
const MARKER = 'faultline-install.json';

/** How the native part came, from npm's output with foreground scripts (node-pre-gyp and node-gyp lines). */
export function classifyBuild(output: string, native: boolean): BuildKind {
  if (!native) return 'pure JavaScript';
  if (/installed via remote/i.test(output)) return 'prebuilt binary';
  if (/gyp info spawn make|make: Entering directory|falling back to source compile/i.test(output)) return 'built from source';
  return 'unknown';
}

/** The last few error lines of a failed install, short enough for a report. */
export function installError(output: string, code: number | null): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /ERR!|error|failed/i.test(l) && !/^npm error \[log\]/.test(l));
  const tail = lines.slice(-3).join(' | ');
  return `npm install exited ${code ?? 'on a signal'}${tail ? `: ${tail.slice(0, 400)}` : ''}`;
}

export const installDir = (root: string, c: Pick<Candidate, 'pkg' | 'version'>) => join(root, `${c.pkg.replace('/', '+')}@${c.version}`);

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (b: Buffer) => {
      output += b.toString('utf8');
      if (output.length > 4_000_000) output = output.slice(-2_000_000); // a build log is long; its end says why
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGTERM'), INSTALL_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}\n${err.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function installedVersion(dir: string, pkg: string): string | undefined {
  const file = join(dir, 'node_modules', pkg, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
}

/** Installs `c` under `root` unless that exact version is there already; `log` gets one line per attempt. */
export async function ensureInstalled(c: Candidate, root: string, log: (l: string) => void): Promise<InstallOutcome> {
  const dir = installDir(root, c);
  const marker = join(dir, MARKER);
  if (existsSync(marker) && installedVersion(dir, c.pkg) === c.version) {
    const first = JSON.parse(readFileSync(marker, 'utf8')) as InstallOutcome;
    return { ...first, dir, cached: true };
  }
  const envs = [{}, ...(c.retryEnv ? [c.retryEnv] : [])];
  const attempts: InstallAttempt[] = [];
  let error = '';
  for (const env of envs) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const started = performance.now();
    const r = await run(
      'npm',
      ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--foreground-scripts', `${c.pkg}@${c.version}`],
      env,
    );
    const ms = performance.now() - started;
    const ok = r.code === 0 && installedVersion(dir, c.pkg) === c.version;
    const build = classifyBuild(r.output, c.native);
    attempts.push({ env, ms, ok, build });
    const how = Object.keys(env).length ? ` with ${Object.entries(env).map(([k, v]) => `${k}=${v}`)}` : '';
    log(
      `  install ${c.pkg}@${c.version}${how}: ${ok ? `ok in ${(ms / 1000).toFixed(1)} s (${build})` : `FAILED in ${(ms / 1000).toFixed(1)} s (tried: ${build})`}`,
    );
    if (ok) {
      const outcome: InstallOutcome = { pkg: c.pkg, version: c.version, dir, ms, cached: false, build, attempts };
      writeFileSync(marker, `${JSON.stringify(outcome, null, 2)}\n`);
      return outcome;
    }
    error = installError(r.output, r.code);
  }
  const last = attempts[attempts.length - 1]!;
  return { pkg: c.pkg, version: c.version, dir, ms: last.ms, cached: false, build: last.build, attempts, error };
}

/** The package's module as installed in `dir` (a CommonJS module's exports, an ES module's namespace). */
export async function loadInstalled(dir: string, pkg: string): Promise<unknown> {
  const resolved = createRequire(join(dir, 'noop.cjs')).resolve(pkg);
  const mod = (await import(pathToFileURL(resolved).href)) as { default?: unknown };
  // A CommonJS module arrives as `default`; an ES module without a default export is its namespace.
  return mod.default ?? mod;
}
