// A class-data-sharing archive of the broker's classes (JDK AppCDS). A broker restart is a fault
// the scenarios inject under load: on 2 busy cores its JVM start (about 6 s of CPU, mostly
// loading and verifying classes) stretched to 15–20 s and set the length of every three-broker
// scenario. Started from the archive, the same start costs about 40 % less CPU. Made once per JDK
// and jar set, by starting a throwaway single-node broker that dumps the classes it loaded when
// it exits; a broker without the archive (or with one the JVM rejects) still starts, only slower.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { generateCredentials } from '../../../system/shared/credentials.ts';
import { brokerSecurityProperties, propertyLines, scramFormatArgs } from '../kafkaSecurity.ts';
import { PROJECT_ROOT } from '../paths.ts';

const LOG4J = join(PROJECT_ROOT, 'scenarios/environment/local/kafka/log4j2.yaml');

/** JVM options every broker runs with (the archive is only valid for the options it was made with). */
export function brokerJvmOptions(heap: string): string[] {
  return [
    '-Xms128m',
    heap,
    '-XX:+UseSerialGC',
    '-XX:MaxMetaspaceSize=192m',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${LOG4J}`,
  ];
}

/**
 * Kafka's StorageTool: formats a node's log dirs for a cluster id (every broker, and the archive's
 * throwaway one). `extra` (e.g. --add-scram with passwords) goes through a 0600 argument file
 * (`java @file`) beside the properties, removed afterwards: a command line is readable by anyone.
 */
export function formatStorage(libs: string, propertiesFile: string, clusterId: string, extra: string[] = []): Promise<void> {
  const args = [
    `-Dlog4j2.configurationFile=${LOG4J}`,
    '-cp',
    `${libs}/*`,
    'kafka.tools.StorageTool',
    'format',
    `--cluster-id=${clusterId}`,
    '-c',
    propertiesFile,
    ...extra,
  ];
  const argFile = join(dirname(propertiesFile), `format-${process.pid}.args`);
  // One quoted argument per line (the argument file's quoting: \\ and \" inside quotes).
  const quoted = args.map((a) => `"${a.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`);
  writeFileSync(argFile, `${quoted.join('\n')}\n`, { mode: 0o600 });
  return new Promise<void>((resolve, reject) => {
    const child = spawn('java', [`@${argFile}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`storage format failed: ${out.slice(-1500)}`))));
  }).finally(() => rmSync(argFile, { force: true }));
}

/** Names the recording run's configuration in the archive's key; change it when the brokers' configuration changes what they load. */
const ARCHIVE_RUN = 'sasl-scram+plain-controller+standard-authorizer';

let javaKey: string | undefined;
/** Identifies the JDK and the jar set: an archive made by another JDK or for other jars is not used. */
function archiveKey(libs: string): string {
  javaKey ??= spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr ?? '';
  // ARCHIVE_RUN: what the recording broker ran (an archive of a broker without SASL would miss its classes).
  return createHash('sha256').update(javaKey).update(readdirSync(libs).sort().join('\n')).update(ARCHIVE_RUN).digest('hex').slice(0, 16);
}

export function classArchivePath(libs: string): string {
  return join(dirname(libs), `broker-classes-${archiveKey(libs)}.jsa`);
}

/** The option that starts a broker from the archive, when one was made for these jars and this JDK. */
export function classArchiveOption(libs: string): string[] {
  if (!libs || !existsSync(libs)) return [];
  const path = classArchivePath(libs);
  return existsSync(path) ? [`-XX:SharedArchiveFile=${path}`] : [];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Jvm {
  kill: (s: NodeJS.Signals) => void;
  /** Resolves once the broker serves, or when it exited first. */
  started: Promise<void>;
  exited: Promise<number | null>;
}

function runJvm(args: string[], logFile: string): Jvm {
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((r) => (onStarted = r));
  const take = (d: Buffer) => {
    out += d.toString();
    if (out.includes('Kafka Server started')) onStarted();
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('exit', (code) => {
      writeFileSync(logFile, out);
      onStarted();
      resolve(code);
    });
  });
  return { kill: (s) => child.kill(s), started, exited };
}

/**
 * Makes the archive if it is missing: a single-node broker in a scratch directory, started with
 * -XX:ArchiveClassesAtExit, stopped with SIGTERM once it serves. Never throws: without the
 * archive brokers start as before, and the reason is reported.
 */
export async function ensureClassArchive(libs: string, progress: (line: string) => void, heap = '-Xmx384m'): Promise<void> {
  const path = classArchivePath(libs);
  if (existsSync(path)) return;
  progress('kafka: recording the broker class archive (first run only, ~15 s)…');
  const dir = join(dirname(libs), `archive-run-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  try {
    const [broker, controller] = [await freePort(), await freePort()];
    // The same security as the real brokers (throwaway passwords), so the archive holds the SASL,
    // SCRAM and authorizer classes a broker loads before it serves.
    const throwaway = generateCredentials();
    writeFileSync(
      join(dir, 'server.properties'),
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${controller}`,
        `listeners=INTERNAL://127.0.0.1:${broker},CONTROLLER://127.0.0.1:${controller}`,
        'inter.broker.listener.name=INTERNAL',
        'controller.listener.names=CONTROLLER',
        ...propertyLines(
          brokerSecurityProperties(throwaway, { listeners: ['INTERNAL'], interBroker: 'INTERNAL', controller: 'CONTROLLER' }),
        ),
        `log.dirs=${join(dir, 'data')}`,
        'offsets.topic.replication.factor=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    await formatStorage(libs, join(dir, 'server.properties'), 'ZmF1bHRsaW5lLWFyY2hpdmU', scramFormatArgs(throwaway));
    const logFile = join(dir, 'server.log');
    const jvm = runJvm(
      [...brokerJvmOptions(heap), `-XX:ArchiveClassesAtExit=${partial}`, '-cp', `${libs}/*`, 'kafka.Kafka', join(dir, 'server.properties')],
      logFile,
    );
    const timer = setTimeout(() => jvm.kill('SIGKILL'), 120_000);
    await jvm.started;
    jvm.kill('SIGTERM');
    const code = await jvm.exited;
    clearTimeout(timer);
    if (!existsSync(partial)) throw new Error(`the JVM wrote no archive (exit ${code}): ${readFileSync(logFile, 'utf8').slice(-500)}`);
    renameSync(partial, path);
    progress(`kafka: class archive written to ${path}`);
  } catch (err) {
    progress(`kafka: no class archive (brokers start without it, slower): ${(err as Error).message}`);
  } finally {
    rmSync(partial, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}
