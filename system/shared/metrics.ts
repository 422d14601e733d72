// One prom-client registry per process with default (process/GC/event-loop) metrics. Helpers add
// the `faultline_` prefix and are idempotent by name, so a module (or a test starting the same
// service twice in one process) can ask for a metric again instead of crashing on re-registration.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const METRIC_PREFIX = 'faultline_';

let registry: Registry | undefined;

/** The process registry (created on first use, default metrics included). */
export function getRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  }
  return registry;
}

interface MetricOpts<L extends string> {
  name: string; // without prefix
  help: string;
  labelNames?: readonly L[];
  registry?: Registry;
}

function existing<M>(reg: Registry, fullName: string): M | undefined {
  return reg.getSingleMetric(fullName) as M | undefined;
}

export function counter<L extends string = string>(o: MetricOpts<L>): Counter<L> {
  const reg = o.registry ?? getRegistry();
  const name = METRIC_PREFIX + o.name;
  return existing<Counter<L>>(reg, name) ?? new Counter<L>({ name, help: o.help, labelNames: o.labelNames ?? [], registers: [reg] });
}

export function gauge<L extends string = string>(o: MetricOpts<L> & { collect?: (this: Gauge<L>) => void | Promise<void> }): Gauge<L> {
  const reg = o.registry ?? getRegistry();
  const name = METRIC_PREFIX + o.name;
  const found = existing<Gauge<L>>(reg, name);
  if (found) return found;
  return new Gauge<L>({
    name,
    help: o.help,
    labelNames: o.labelNames ?? [],
    registers: [reg],
    ...(o.collect ? { collect: o.collect } : {}),
  });
}

/** Default buckets suit a command path: 1 ms .. 10 s. */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function histogram<L extends string = string>(o: MetricOpts<L> & { buckets?: number[] }): Histogram<L> {
  const reg = o.registry ?? getRegistry();
  const name = METRIC_PREFIX + o.name;
  return (
    existing<Histogram<L>>(reg, name) ??
    new Histogram<L>({
      name,
      help: o.help,
      labelNames: o.labelNames ?? [],
      buckets: o.buckets ?? LATENCY_BUCKETS_SECONDS,
      registers: [reg],
    })
  );
}
