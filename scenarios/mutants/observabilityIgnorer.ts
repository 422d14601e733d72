// The one Stryker ignorer of the generated mutants: it leaves out exactly the calls whose only
// effect is observability, named one by one, so no operator and no file is skipped wholesale:
// - log lines: `<…>.log.<level>(…)`, `<…>.logger.<level>(…)`, `log.<level>(…)`, `logger.<level>(…)`;
// - metric definitions: `counter(…)`, `gauge(…)`, `histogram(…)` (their names and help texts);
//   updates of a metric (inc, set, observe) stay mutated: telemetry must not lie;
// - span names: the first argument of `withSpan`, `withSpanFromTraceparent`, `startSpan`,
//   `startActiveSpan` (the callback, the real work, stays mutated); span attributes:
//   `<span>.setAttribute(…)` and `<span>.setAttributes(…)`;
// - and what holds nothing else: the statement of such a call, an arrow function whose body is
//   one, a block of only such statements (removing them changes nothing but what is observed).
/** The slice of a Babel node the ignorer reads (structural: no Babel types needed). */
export interface NodeLike {
  type: string;
  name?: string;
  callee?: NodeLike;
  object?: NodeLike;
  property?: NodeLike;
  expression?: NodeLike; // an ExpressionStatement's
  body?: NodeLike | NodeLike[]; // an arrow function's (expression or block), a block's statements
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

/** Why a statement, arrow function or block holds nothing but observability calls, or undefined. */
export function onlyObservability(node: NodeLike): string | undefined {
  if (node.type === 'ExpressionStatement' && node.expression) return observabilityCall(node.expression);
  if (node.type === 'ArrowFunctionExpression' && node.body && !Array.isArray(node.body))
    return node.body.type === 'BlockStatement' ? onlyObservability(node.body) : observabilityCall(node.body);
  if (node.type === 'BlockStatement' && Array.isArray(node.body) && node.body.length > 0) {
    const whys = node.body.map(onlyObservability);
    return whys.every(Boolean) ? whys[0] : undefined;
  }
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
    const why = observabilityCall(path.node) ?? onlyObservability(path.node) ?? spanName(path);
    return why ? `observability only: ${why}` : undefined;
  },
};
