// Declared parameters of a fault kind, with units in the names (ms, KB/s, µs, bytes): validation
// reads these declarations, so each family states its parameters once.

export interface NumberSpec {
  kind: 'int' | 'number';
  min: number;
  max: number;
  required?: boolean;
}
export interface EnumSpec {
  kind: 'enum';
  values: readonly string[];
  required?: boolean;
}
export interface StringSpec {
  kind: 'string';
  required?: boolean;
}
export type ParamSpec = Record<string, NumberSpec | EnumSpec | StringSpec>;

export const STREAM: EnumSpec = { kind: 'enum', values: ['upstream', 'downstream', 'both'] };
export const TOXICITY: NumberSpec = { kind: 'number', min: 0, max: 1 };
export const MS = (required = false): NumberSpec => ({ kind: 'int', min: 0, max: 600_000, required });
export const COUNT = (max: number, required = false): NumberSpec => ({ kind: 'int', min: 1, max, required });

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (xs: readonly string[]) => xs.join(', ');

/** Checks raw params against a spec; pushes one message per problem; returns the params object. */
export function validateParams(kind: string, spec: ParamSpec, raw: unknown, where: string, errors: string[]): Record<string, unknown> {
  if (raw === undefined) raw = {};
  if (!isObj(raw)) {
    errors.push(`${where}: params must be an object`);
    return {};
  }
  for (const key of Object.keys(raw))
    if (!(key in spec)) errors.push(`${where}: unknown param "${key}" for ${kind}; accepted: ${list(Object.keys(spec)) || '(none)'}`);
  for (const [key, s] of Object.entries(spec)) {
    const v = raw[key];
    if (v === undefined) {
      if (s.required) errors.push(`${where}: params.${key} is required for ${kind}`);
      continue;
    }
    if (s.kind === 'enum') {
      if (typeof v !== 'string' || !s.values.includes(v))
        errors.push(`${where}: params.${key} must be one of ${list(s.values)}, got ${JSON.stringify(v)}`);
    } else if (s.kind === 'string') {
      if (typeof v !== 'string' || v === '') errors.push(`${where}: params.${key} must be a non-empty string`);
    } else if (typeof v !== 'number' || !Number.isFinite(v) || (s.kind === 'int' && !Number.isInteger(v)) || v < s.min || v > s.max) {
      errors.push(
        `${where}: params.${key} must be ${s.kind === 'int' ? 'an integer' : 'a number'} in [${s.min}, ${s.max}], got ${JSON.stringify(v)}`,
      );
    }
  }
  return raw;
}
