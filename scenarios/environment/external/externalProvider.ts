// A user's own servers: addresses come from a JSON file (FAULTLINE_EXTERNAL_CONFIG) with the
// shape of EnvAddresses. `up` only creates the Toxiproxy proxies and checks every server answers;
// `down` removes those proxies and leaves the user's servers alone.
//
// Credentials: `kafka.sasl` is the harness's Kafka principal (it creates the system's ACLs, so it
// needs to be allowed to); `credentials` (the shape of <run dir>/credentials.json) the system's
// principals' and roles' passwords, copied to the run dir (0600) at `up` and removed at `down`.
// Without them the processes connect to Kafka unauthenticated and the roles get random passwords.
import { readFileSync, rmSync } from 'node:fs';
import { credentialsFileOf, type EnvCredentials, environmentCredentials, validateCredentials } from '../../../system/shared/credentials.ts';
import { SASL_MECHANISMS } from '../../../system/shared/kafka.ts';
import { createSystemAcls } from '../kafkaSecurity.ts';
import { runDir } from '../paths.ts';
import { harnessSettings } from '../settings.ts';
import { Toxiproxy } from 'toxiproxy-node-client';
import { kafkaReady } from '../local/kafka.ts';
import { pingMariadb, serverLogBin } from '../local/mariadb.ts';
import { CONNECT_LINKS, LINKS, type ComponentStatus, type EnvAddresses, type EnvironmentProvider } from '../types.ts';
import { unsupportedControl } from '../unsupportedControl.ts';
import { composeControl } from '../systemControl.ts';

/** The system's processes are the harness's own; the servers are the user's, so faulting them is refused. */
export const externalControl = () =>
  composeControl(unsupportedControl('external', 'it did not start these servers (Kafka, MariaDB); fault them with your own tooling'));

const EXAMPLE = 'see scenarios/environment/external/example.json';

export function loadExternalConfig(env: NodeJS.ProcessEnv = process.env): EnvAddresses {
  return loadExternal(env).addresses;
}

function loadExternal(env: NodeJS.ProcessEnv = process.env): { addresses: EnvAddresses; credentials?: EnvCredentials } {
  const file = harnessSettings(env).externalConfig;
  if (!file) throw new Error(`the external provider needs FAULTLINE_EXTERNAL_CONFIG=<file.json> (${EXAMPLE})`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`FAULTLINE_EXTERNAL_CONFIG=${file}: ${(err as Error).message}`);
  }
  const addresses = validateExternalConfig(raw, file);
  const given = (raw as { credentials?: unknown }).credentials;
  return given === undefined ? { addresses } : { addresses, credentials: validateCredentials(given, `${file}: credentials`) };
}

/** Checks the shape field by field so a user learns exactly which address is missing. */
export function validateExternalConfig(raw: unknown, where = 'config'): EnvAddresses {
  const problems: string[] = [];
  const o = raw as Partial<EnvAddresses>;
  const hostPort = /^[^:\s]+:\d{1,5}$/;
  const list = (v: unknown, path: string) => {
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && hostPort.test(x)))
      problems.push(`${path}: a non-empty list of "host:port"`);
  };
  if (typeof o?.toxiproxy?.api !== 'string' || !/^https?:\/\//.test(o.toxiproxy.api)) problems.push('toxiproxy.api: "http://host:port"');
  list(o?.kafka?.internal, 'kafka.internal');
  list(o?.kafka?.relay, 'kafka.relay');
  list(o?.kafka?.projector, 'kafka.projector');
  const sasl = o?.kafka?.sasl;
  if (
    sasl !== undefined &&
    (!SASL_MECHANISMS.includes(sasl?.mechanism) || typeof sasl?.username !== 'string' || typeof sasl?.password !== 'string')
  )
    problems.push(`kafka.sasl: { mechanism: ${SASL_MECHANISMS.join('|')}, username, password } (the harness's principal)`);
  for (const db of ['commands', 'queries'] as const) {
    const d = o?.mariadb?.[db];
    if (
      typeof d?.host !== 'string' ||
      !Number.isInteger(d?.port) ||
      typeof d?.admin?.user !== 'string' ||
      typeof d?.admin?.password !== 'string'
    ) {
      problems.push(`mariadb.${db}: { host, port, database, admin: { user, password } }`);
    }
  }
  for (const link of LINKS) {
    const l = o?.links?.[link];
    if (l === undefined && CONNECT_LINKS.includes(link)) continue;
    if (
      !Array.isArray(l) ||
      l.length === 0 ||
      !l.every((p) => typeof p?.name === 'string' && hostPort.test(p?.listen ?? '') && hostPort.test(p?.upstream ?? ''))
    ) {
      problems.push(`links.${link}: a list of { name, listen: "host:port", upstream: "host:port" }`);
    }
  }
  if (problems.length)
    throw new Error(`${where} is not a usable external environment; expected:\n  ${problems.join('\n  ')}\n(${EXAMPLE})`);
  const { credentials: _omitted, ...addresses } = o as EnvAddresses & { credentials?: unknown };
  return {
    ...addresses,
    provider: 'external',
    kafka: { ...o.kafka!, brokers: o.kafka!.internal.length },
    // Not the file's to say: `up` asks the server.
    mariadb: { ...addresses.mariadb, commands: { ...addresses.mariadb.commands, binlog: false } },
  };
}

export function getExternalProvider(): EnvironmentProvider {
  return {
    name: 'external',
    control: externalControl(),
    async up({ binlog = false, onProgress = () => undefined }) {
      const { addresses: addr, credentials } = loadExternal();
      environmentCredentials(runDir(), credentials);
      const toxi = new Toxiproxy(addr.toxiproxy.api);
      await toxi.populate(
        Object.values(addr.links)
          .flat()
          .map((p) => ({ ...p, enabled: true })),
      );
      onProgress(`toxiproxy: ${Object.values(addr.links).flat().length} proxies at ${addr.toxiproxy.api}`);
      for (const db of ['commands', 'queries'] as const) {
        const d = addr.mariadb[db];
        if (!(await pingMariadb(d.port, d.admin.user, d.admin.password).catch(() => false)))
          throw new Error(`mariadb ${db} at ${d.host}:${d.port} does not answer`);
      }
      // Your server keeps whatever binary-log setting it has: recorded as it is, refused only when asked for and absent.
      const c = addr.mariadb.commands;
      addr.mariadb.commands = { ...c, binlog: await serverLogBin(c.port, c.admin.user, c.admin.password) };
      if (binlog && !addr.mariadb.commands.binlog)
        throw new Error(
          `mariadb commands at ${c.host}:${c.port} has no binary log (log_bin=OFF): the cdc publish modes read it; start it with log_bin, binlog_format=ROW, binlog_row_image=FULL and a server_id`,
        );
      if (!(await kafkaReady(addr.kafka.relay, addr.kafka.brokers, addr.kafka.sasl).catch(() => false))) {
        throw new Error(
          `kafka does not answer through the relay proxies ${addr.kafka.relay.join(',')}: are its listeners advertised as those proxy addresses?`,
        );
      }
      if (addr.kafka.sasl) {
        await createSystemAcls(addr);
        onProgress(`kafka: ACLs of the system principals created as ${addr.kafka.sasl.username}`);
      }
      return addr;
    },
    async down() {
      const addr = loadExternalConfig();
      const toxi = new Toxiproxy(addr.toxiproxy.api);
      const all = await toxi.getAll();
      for (const p of Object.values(addr.links).flat()) await all[p.name]?.remove();
      rmSync(credentialsFileOf(runDir()), { force: true });
    },
    async status(): Promise<ComponentStatus[]> {
      const addr = loadExternalConfig();
      const toxi = new Toxiproxy(addr.toxiproxy.api);
      const proxies = await toxi.getAll().catch(() => undefined);
      const out: ComponentStatus[] = [{ name: 'toxiproxy', healthy: proxies !== undefined, address: addr.toxiproxy.api }];
      for (const p of Object.values(addr.links).flat()) {
        out.push({ name: `proxy ${p.name}`, healthy: proxies?.[p.name]?.enabled === true, address: `${p.listen} → ${p.upstream}` });
      }
      for (const db of ['commands', 'queries'] as const) {
        const d = addr.mariadb[db];
        out.push({
          name: `mariadb-${db}`,
          healthy: await pingMariadb(d.port, d.admin.user, d.admin.password).catch(() => false),
          address: `${d.host}:${d.port}`,
        });
      }
      out.push({
        name: 'kafka',
        healthy: await kafkaReady(addr.kafka.internal, addr.kafka.brokers, addr.kafka.sasl).catch(() => false),
        address: addr.kafka.internal.join(','),
      });
      return out;
    },
  };
}
