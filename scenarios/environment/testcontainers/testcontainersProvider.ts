// Docker path (UNTESTED on these machines: they have no Docker engine). Executes the plan in
// plan.ts with Testcontainers 11. Containers carry a label and outlive the CLI process (no Ryuk),
// so `npm run env -- up` and `down` work as with the local provider.
import { MariaDbContainer } from '@testcontainers/mariadb';
import { GenericContainer, getContainerRuntimeClient, Network, TestContainers, Wait } from 'testcontainers';
import { Toxiproxy } from 'toxiproxy-node-client';
import { ADMIN } from '../local/mariadb.ts';
import { kafkaReady } from '../local/kafka.ts';
import { basePortFromEnv, portLayout } from '../ports.ts';
import type { ComponentStatus, EnvAddresses, EnvironmentProvider } from '../types.ts';
import { testcontainersPlan } from './plan.ts';
import { unsupportedControl } from '../unsupportedControl.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

export function getTestcontainersProvider(): EnvironmentProvider {
  const ports = portLayout(basePortFromEnv());
  const plan = testcontainersPlan(ports);

  const addresses = (): EnvAddresses => ({
    provider: 'testcontainers',
    toxiproxy: { api: `http://127.0.0.1:${plan.toxiproxy.apiHostPort}` },
    kafka: {
      brokers: 1,
      internal: [`127.0.0.1:${ports.kafka.internal(0)}`],
      relay: plan.links['relay-kafka'].map((p) => p.listen),
      projector: plan.links['projector-kafka'].map((p) => p.listen),
    },
    mariadb: {
      commands: { host: '127.0.0.1', port: ports.mariadb.commands, database: 'commands', admin: { ...ADMIN } },
      queries: { host: '127.0.0.1', port: ports.mariadb.queries, database: 'queries', admin: { ...ADMIN } },
    },
    links: plan.links,
  });

  return {
    name: 'testcontainers',
    control: unsupportedControl('testcontainers', 'process control through the container engine is not implemented yet'),
    async up({ brokers, onProgress = () => undefined }) {
      if (brokers !== 1) throw new Error('the testcontainers provider runs 1 broker; use --provider local for --brokers 3');
      await TestContainers.exposeHostPorts(...plan.hostPortsToExpose);
      const network = await new Network().start();
      onProgress('testcontainers: starting toxiproxy, two MariaDB and Kafka containers');
      await new GenericContainer(plan.toxiproxy.image)
        .withNetwork(network).withNetworkAliases('toxiproxy').withLabels(plan.label)
        .withExposedPorts({ container: 8474, host: plan.toxiproxy.apiHostPort }, ...plan.toxiproxy.proxies.map((p) => ({ container: p.hostPort, host: p.hostPort })))
        .withWaitStrategy(Wait.forHttp('/version', 8474)).start();
      await new Toxiproxy(addresses().toxiproxy.api).populate(
        plan.toxiproxy.proxies.map((p) => ({ name: p.name, listen: p.containerListen, upstream: p.upstream, enabled: true })),
      );
      await Promise.all(plan.mariadb.map((db) =>
        new MariaDbContainer(db.image).withNetwork(network).withNetworkAliases(db.alias).withLabels(plan.label)
          .withDatabase(db.database).withUsername(ADMIN.user).withUserPassword(ADMIN.password).withRootPassword(ADMIN.password)
          .withExposedPorts({ container: 3306, host: db.hostPort }).start()
          .then((c) => c.exec(['mariadb', '-uroot', `-p${ADMIN.password}`, '-e', `GRANT ALL ON *.* TO '${ADMIN.user}'@'%' WITH GRANT OPTION`]))));
      await new GenericContainer(plan.kafka.image)
        .withNetwork(network).withNetworkAliases('kafka').withLabels(plan.label).withEnvironment(plan.kafka.env)
        .withExposedPorts(...plan.kafka.hostPorts).start();
      const addr = addresses();
      for (let i = 0; i < 120 && !(await kafkaReady(addr.kafka.relay, 1).catch(() => false)); i++) await new Promise((r) => setTimeout(r, 500));
      onProgress('testcontainers: all containers ready');
      return addr;
    },
    async down() {
      const client = await getContainerRuntimeClient();
      const mine = (await client.container.list()).filter((c) => c.Labels?.['dev.faultline.env'] === plan.label['dev.faultline.env']);
      for (const info of mine) {
        const c = client.container.getById(info.Id);
        await client.container.stop(c, { timeout: 10 }).catch(() => undefined);
        await client.container.remove(c, { removeVolumes: true }).catch(() => undefined);
      }
    },
    async status(): Promise<ComponentStatus[]> {
      const addr = addresses();
      return [
        { name: 'toxiproxy', healthy: await new Toxiproxy(addr.toxiproxy.api).getVersion().then(() => true, () => false), address: addr.toxiproxy.api },
        { name: 'kafka', healthy: await kafkaReady(addr.kafka.internal, 1).catch(() => false), address: addr.kafka.internal[0] },
      ];
    },
  };
}
