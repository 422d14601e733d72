// Process targets by name: what a fault names and what a provider's ProcessControl accepts.
// Instance 1 keeps the plain name ('relay', 'kafka'); further instances carry a number
// ('relay#2', 'projector#3' for system processes, 'kafka-2' for brokers, as the broker's own
// process is named), so scale-out adds targets without renaming the ones scenarios use today.

export const SYSTEM_PROCESSES = ['command-service', 'relay', 'projector', 'query-api'] as const;
export type SystemProcess = (typeof SYSTEM_PROCESSES)[number];
/** Processes that may run as several instances (the others have one listening port each). */
export const SCALABLE_PROCESSES = ['relay', 'projector'] as const satisfies readonly SystemProcess[];
export const MAX_INSTANCES = 6;
export const DATABASE_TARGETS = ['commands-db', 'queries-db'] as const;
/** The plain names of every target of a one-broker, one-instance environment. */
export const BASE_TARGETS = [...SYSTEM_PROCESSES, 'kafka', ...DATABASE_TARGETS] as const;

/** The Kafka Connect worker of the cdc publish modes: one instance, 'connect' or 'connect#1'. */
export const CONNECT_TARGET = 'connect';

export type ParsedTarget =
  | { kind: 'system'; process: SystemProcess; instance: number }
  | { kind: 'connect' }
  | { kind: 'broker'; node: number } // 1-based node id
  | { kind: 'database'; database: 'commands' | 'queries' };

export class UnknownTargetError extends Error {
  constructor(target: string) {
    super(
      `unknown process target ${JSON.stringify(target)}; targets are ${BASE_TARGETS.join(', ')}, ` +
        `kafka-N (broker N), connect (the Kafka Connect worker of the cdc modes; also connect#1), and ${SCALABLE_PROCESSES.map((p) => `${p}#N`).join(', ')} (instance N, 1..${MAX_INSTANCES})`,
    );
    this.name = 'UnknownTargetError';
  }
}

/** Parses a target name; throws UnknownTargetError naming every accepted form. */
export function parseTarget(target: string): ParsedTarget {
  const inst = /^([a-z-]+)#(\d+)$/.exec(target);
  if (inst && (SCALABLE_PROCESSES as readonly string[]).includes(inst[1]!)) {
    const n = Number(inst[2]);
    if (n >= 1 && n <= MAX_INSTANCES) return { kind: 'system', process: inst[1] as SystemProcess, instance: n };
  }
  if ((SYSTEM_PROCESSES as readonly string[]).includes(target)) return { kind: 'system', process: target as SystemProcess, instance: 1 };
  if (target === CONNECT_TARGET || target === `${CONNECT_TARGET}#1`) return { kind: 'connect' };
  if (target === 'kafka') return { kind: 'broker', node: 1 };
  const broker = /^kafka-(\d)$/.exec(target);
  if (broker && Number(broker[1]) >= 1) return { kind: 'broker', node: Number(broker[1]) };
  if (target === 'commands-db') return { kind: 'database', database: 'commands' };
  if (target === 'queries-db') return { kind: 'database', database: 'queries' };
  throw new UnknownTargetError(target);
}

export function isTarget(target: string): boolean {
  try {
    parseTarget(target);
    return true;
  } catch {
    return false;
  }
}

/** The canonical name of a system process instance ('relay' for 1, 'relay#2' after). */
export function instanceName(process: SystemProcess, instance: number): string {
  return instance === 1 ? process : `${process}#${instance}`;
}

/** A name safe in file names: 'relay#2' → 'relay-2'. */
export const fileSafe = (target: string): string => target.replace('#', '-');
