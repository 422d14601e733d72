// The one Stryker ignorer of the generated mutants: it leaves out exactly the calls whose only
// effect is observability, named one by one, so no operator and no file is skipped wholesale:
// - log lines: `<…>.log.<level>(…)`, `<…>.logger.<level>(…)`, `log.<level>(…)`, `logger.<level>(…)`;
// - metric definitions: `counter(…)`, `gauge(…)`, `histogram(…)` (their names and help texts);
//   updates of a metric (inc, set, observe) stay mutated: telemetry must not lie;
// - span names: the first argument of `withSpan`, `withSpanFromTraceparent`, `startSpan`,
//   `startActiveSpan` (the callback, the real work, stays mutated); span attributes:
//   `<span>.setAttribute(…)` and `<span>.setAttributes(…)`.
/** The slice of a Babel node the ignorer reads (structural: no Babel types needed). */
export interface NodeLike {
  type: string;
  name?: string;
  callee?: NodeLike;
  object?: NodeLike;
  property?: NodeLike;
}

/** The slice of Babel's NodePath the ignorer reads. */
export interface PathLike {
  node: NodeLike;
  parentPath: PathLike | null;
  key?: string | number | null;
  listKey?: string | null;
}

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const LOGGERS = new Set(['log', 'logger']);
const METRIC_DEFINITIONS = new Set(['counter', 'gauge', 'histogram']);
const SPAN_STARTERS = new Set(['withSpan', 'withSpanFromTraceparent', 'startSpan', 'startActiveSpan']);
const SPAN_ATTRIBUTES = new Set(['setAttribute', 'setAttributes']);

const nameOf = (n: NodeLike | undefined): string | undefined =>
  n?.type === 'Identifier' ? n.name : n?.type === 'MemberExpression' && n.property?.type === 'Identifier' ? n.property.name : undefined;

/** Why a call node is observability only, or undefined. */
export function observabilityCall(node: NodeLike): string | undefined {
  if (node.type !== 'CallExpression' || !node.callee) return undefined;
  const callee = node.callee;
  if (callee.type === 'MemberExpression' && callee.property?.type === 'Identifier' && callee.property.name) {
    const method = callee.property.name;
    if (LEVELS.has(method) && LOGGERS.has(nameOf(callee.object) ?? '')) return `log line (${method})`;
    if (SPAN_ATTRIBUTES.has(method)) return 'span attributes';
  }
  if (callee.type === 'Identifier' && callee.name && METRIC_DEFINITIONS.has(callee.name)) return `metric definition (${callee.name})`;
  return undefined;
}

/** Why this node is a span's name (the first argument of a span starter), or undefined. */
export function spanName(path: PathLike): string | undefined {
  const parent = path.parentPath?.node;
  if (parent?.type !== 'CallExpression' || path.listKey !== 'arguments' || path.key !== 0) return undefined;
  const fn = nameOf(parent.callee);
  return fn && SPAN_STARTERS.has(fn) ? 'span name' : undefined;
}

export const observabilityIgnorer = {
  shouldIgnore(path: PathLike): string | undefined {
    const why = observabilityCall(path.node) ?? spanName(path);
    return why ? `observability only: ${why}` : undefined;
  },
};
