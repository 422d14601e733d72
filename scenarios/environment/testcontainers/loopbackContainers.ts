// Testcontainers publishes ports on every interface; ours must listen on 127.0.0.1 only (the
// harness opens holes in nothing). The hook runs just before the container is created, after
// the modules have set their own port bindings.
import { MariaDbContainer } from '@testcontainers/mariadb';
import { GenericContainer } from 'testcontainers';

type PortBindings = Record<string, { HostIp?: string; HostPort?: string }[]> | undefined;

export function bindToLoopback(bindings: PortBindings): void {
  for (const list of Object.values(bindings ?? {})) for (const b of list) b.HostIp = '127.0.0.1';
}

export class LoopbackContainer extends GenericContainer {
  protected override async beforeContainerCreated(): Promise<void> {
    bindToLoopback(this.hostConfig.PortBindings as PortBindings);
  }
}

export class LoopbackMariaDbContainer extends MariaDbContainer {
  protected override async beforeContainerCreated(): Promise<void> {
    bindToLoopback(this.hostConfig.PortBindings as PortBindings);
  }
}
