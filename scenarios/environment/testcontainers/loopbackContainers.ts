// Testcontainers publishes ports on every interface; ours must listen on 127.0.0.1 only (the
// harness opens holes in nothing). The hook runs just before the container is created, after
// the modules have set their own port bindings. A container in the host's network namespace
// publishes nothing (it binds 127.0.0.1 itself), so its modules' bindings are dropped.
import { MariaDbContainer } from '@testcontainers/mariadb';
import { GenericContainer } from 'testcontainers';

type PortBindings = Record<string, { HostIp?: string; HostPort?: string }[]> | undefined;

export function bindToLoopback(bindings: PortBindings): void {
  for (const list of Object.values(bindings ?? {})) for (const b of list) b.HostIp = '127.0.0.1';
}

function restrict(hostConfig: { PortBindings?: unknown }, createOpts: { ExposedPorts?: unknown }, networkMode?: string): void {
  if (networkMode === 'host') {
    delete hostConfig.PortBindings;
    delete createOpts.ExposedPorts;
  } else bindToLoopback(hostConfig.PortBindings as PortBindings);
}

export class LoopbackContainer extends GenericContainer {
  protected override async beforeContainerCreated(): Promise<void> {
    restrict(this.hostConfig, this.createOpts, this.networkMode);
  }
}

export class LoopbackMariaDbContainer extends MariaDbContainer {
  protected override async beforeContainerCreated(): Promise<void> {
    restrict(this.hostConfig, this.createOpts, this.networkMode);
  }
}
