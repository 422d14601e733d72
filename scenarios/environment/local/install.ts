// Installs what the local provider runs, once, into the cache: Kafka's jars (and Kafka Connect's
// with Debezium's) resolved from Maven Central, the Toxiproxy server built from the Go module
// proxy, MariaDB from Debian's packages.
// A second start finds everything cached and needs no network.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, PROJECT_ROOT } from '../paths.ts';

export const KAFKA_VERSION = '4.1.1';
export const TOXIPROXY_VERSION = 'v2.12.0';
/** Debezium's MariaDB connector for the cdc publish modes (its outbox event router comes with it). */
export const DEBEZIUM_VERSION = '3.5.0.Final';
const KAFKA_POM = join(PROJECT_ROOT, 'scenarios/environment/local/kafka/pom.xml');
const CONNECT_POM = join(PROJECT_ROOT, 'scenarios/environment/local/connect/pom.xml');

export class MissingToolError extends Error {
  constructor(tool: string, how: string) {
    super(`${tool} is not installed: ${how}`);
    this.name = 'MissingToolError';
  }
}

function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

export function requireTool(tool: string, how: string): void {
  if (!onPath(tool)) throw new MissingToolError(tool, how);
}

type Progress = (line: string) => void;

/** Directory holding every jar the broker needs. */
export function ensureKafka(progress: Progress): string {
  return resolveJars(progress, {
    what: 'kafka',
    dir: join(cacheDir(), `kafka-${KAFKA_VERSION}`),
    pom: KAFKA_POM,
    properties: [`-Dkafka.version=${KAFKA_VERSION}`],
    describe: `kafka_2.13 ${KAFKA_VERSION} jars`,
  });
}

/**
 * Directory holding the Kafka Connect worker's jars (the broker's Kafka version) with Debezium's
 * MariaDB connector, runtime scope only: some of Debezium's test-scoped dependencies point at a
 * repository we cannot reach.
 */
export function ensureConnect(progress: Progress): string {
  return resolveJars(progress, {
    what: 'connect',
    dir: join(cacheDir(), `connect-${KAFKA_VERSION}-debezium-${DEBEZIUM_VERSION}`),
    pom: CONNECT_POM,
    properties: [`-Dkafka.version=${KAFKA_VERSION}`, `-Ddebezium.version=${DEBEZIUM_VERSION}`, '-DincludeScope=runtime'],
    describe: `connect-runtime ${KAFKA_VERSION} and debezium-connector-mariadb ${DEBEZIUM_VERSION} jars`,
  });
}

function resolveJars(progress: Progress, o: { what: string; dir: string; pom: string; properties: string[]; describe: string }): string {
  const libs = join(o.dir, 'libs');
  if (existsSync(join(o.dir, '.complete'))) return libs;
  requireTool('java', 'install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)');
  requireTool('mvn', 'install Maven (Debian: apt-get install maven)');
  progress(`${o.what}: resolving ${o.describe} from Maven Central (first run only)…`);
  const tmp = `${libs}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  const res = spawnSync('mvn', ['-q', '-B', '-f', o.pom, ...o.properties, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`], {
    encoding: 'utf8',
  });
  if (res.status !== 0) {
    throw new Error(`${o.what}: mvn could not resolve the jars:\n${(res.stdout + res.stderr).split('\n').slice(-20).join('\n')}`);
  }
  rmSync(libs, { recursive: true, force: true });
  renameSync(tmp, libs);
  writeFileSync(join(o.dir, '.complete'), new Date().toISOString());
  progress(`${o.what}: ${readdirSync(libs).length} jars cached in ${libs}`);
  return libs;
}

/** Path of the toxiproxy server binary. */
export function ensureToxiproxy(progress: Progress): string {
  const bin = join(cacheDir(), 'bin', `toxiproxy-server-${TOXIPROXY_VERSION}`);
  if (existsSync(bin)) return bin;
  requireTool('go', 'install Go ≥ 1.22 (https://go.dev/doc/install or Debian: apt-get install golang)');
  progress(`toxiproxy: building server ${TOXIPROXY_VERSION} with go install (first run only)…`);
  const gobin = join(cacheDir(), 'gobin-tmp');
  rmSync(gobin, { recursive: true, force: true });
  mkdirSync(gobin, { recursive: true });
  const res = spawnSync('go', ['install', `github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}`], {
    encoding: 'utf8',
    cwd: gobin,
    env: { ...process.env, GOBIN: gobin, GOFLAGS: '-mod=mod' },
  });
  if (res.status !== 0) throw new Error(`toxiproxy: go install failed:\n${res.stderr.split('\n').slice(-20).join('\n')}`);
  mkdirSync(join(cacheDir(), 'bin'), { recursive: true });
  renameSync(join(gobin, 'server'), bin);
  rmSync(gobin, { recursive: true, force: true });
  progress(`toxiproxy: built ${bin}`);
  return bin;
}

/** mariadbd and mariadb-install-db from Debian's package, installed when missing and root. */
export function ensureMariadb(progress: Progress): { mariadbd: string; installDb: string } {
  const find = () => {
    for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin']) {
      const d = join(dir, 'mariadbd');
      if (existsSync(d)) return d;
    }
    return onPath('mariadbd') ? 'mariadbd' : undefined;
  };
  let mariadbd = find();
  if (!mariadbd) {
    if (process.getuid?.() !== 0) {
      throw new MissingToolError('mariadbd', 'run as root once, or install it: sudo apt-get install mariadb-server');
    }
    progress('mariadb: installing mariadb-server from Debian packages (first run only)…');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    const res = spawnSync('apt-get', ['install', '-y', '-qq', 'mariadb-server', 'mariadb-client'], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    mariadbd = find();
    if (res.status !== 0 || !mariadbd) throw new Error(`mariadb: apt-get install mariadb-server failed:\n${res.stderr.slice(-2000)}`);
  }
  requireTool('mariadb-install-db', 'install mariadb-server (apt-get install mariadb-server)');
  return { mariadbd, installDb: 'mariadb-install-db' };
}
