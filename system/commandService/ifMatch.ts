// `If-Match` as RFC 9110 §13.1.1 defines it: `*` or a comma-separated list of entity-tags, each
// `"opaque"` or `W/"opaque"`, compared strongly. The service's ETag is `"<version>"`, so a condition
// it can evaluate is `*` (the user must exist) or one strong tag naming a version. Anything else is
// refused with a reason instead of being read leniently: a malformed field is a 400, a condition
// that can never hold or that the service does not evaluate is a 412.
import { PreconditionFailedError, ValidationError } from '../shared/errors.ts';

export type IfMatch =
  | { kind: 'none' } // no header: no precondition
  | { kind: 'any' } // `*`: the user must have a current representation
  | { kind: 'version'; version: number };

const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
const VERSION = /^[0-9]{1,9}$/;

/** Splits a list on commas outside quoted strings; the list rule allows empty elements. */
function elements(value: string): string[] | undefined {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (quoted) return undefined;
  out.push(current.trim());
  return out.filter((e) => e !== '');
}

export function parseIfMatch(value: string | undefined): IfMatch {
  if (value === undefined) return { kind: 'none' };
  const trimmed = value.trim();
  if (trimmed === '*') return { kind: 'any' };
  const tags = elements(trimmed)?.map((e) => ENTITY_TAG.exec(e));
  if (tags === undefined || tags.length === 0 || tags.some((t) => t === null)) {
    throw new ValidationError(`If-Match must be "*" or entity-tags such as "3" (RFC 9110); got ${JSON.stringify(value)}`, {
      ifMatch: value,
    });
  }
  // Strong comparison: a weak tag never matches, and an opaque value that is not a version never
  // names one of this service's ETags.
  const strong = tags.filter((t) => t![1] === undefined).map((t) => t![2]!);
  const versions = strong.filter((o) => VERSION.test(o));
  if (versions.length === 0) {
    throw new PreconditionFailedError(
      strong.length < tags.length
        ? 'a weak entity-tag never matches If-Match (strong comparison); send the ETag as given, e.g. "3"'
        : 'no entity-tag in If-Match names a version of this user; ETags are "<version>"',
      value,
    );
  }
  if (new Set(versions).size > 1) {
    throw new PreconditionFailedError('If-Match with several versions is not supported; send the one version you expect', value);
  }
  return { kind: 'version', version: Number(versions[0]) };
}
