// Field constraints of the domain, defined once: the command API's JSON schema, the event
// schema checked by the projector, and the SQL columns (utf8mb4 VARCHAR counts code points) all
// read these. Lengths count Unicode code points, never UTF-16 code units: an emoji is one.

export const NAME_MAX_CODE_POINTS = 255; // USER_DATA.NAME VARCHAR(255) CHARACTER SET utf8mb4
export const DATE_MIN_YEAR = 1000; // MariaDB DATE range is 1000-01-01 .. 9999-12-31
export const DATE_MAX_YEAR = 9999;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const codePointLength = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Why a user name is not acceptable, or undefined when it is. */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'name must be a string';
  const length = codePointLength(name);
  if (length < 1 || length > NAME_MAX_CODE_POINTS) {
    return `name must have 1..${NAME_MAX_CODE_POINTS} characters (code points), got ${length}`;
  }
  if (name.trim() === '') return 'name must not be blank';
  // A lone surrogate cannot be encoded in UTF-8: it would be stored as U+FFFD, silently changed.
  if (LONE_SURROGATE.test(name)) return 'name contains an unpaired UTF-16 surrogate';
  if (name.includes('\u0000')) return 'name must not contain NUL';
  return undefined;
}

/** Why a registration date is not acceptable (a real calendar date YYYY-MM-DD in DATE's range). */
export function dateProblem(date: unknown): string | undefined {
  if (typeof date !== 'string') return 'dateRegister must be a string';
  const m = DATE.exec(date);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  const year = m ? Number(m[1]) : NaN;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date || year < DATE_MIN_YEAR || year > DATE_MAX_YEAR) {
    return `dateRegister must be a calendar date YYYY-MM-DD (years ${DATE_MIN_YEAR}..${DATE_MAX_YEAR}), got ${JSON.stringify(date)}`;
  }
  return undefined;
}

/** The rules JSON Schema cannot say with minLength/maxLength, as an ECMAScript pattern (ajv and
 *  OpenAPI readers compile it with the `u` flag, where a lone surrogate is one code point): at
 *  least one non-whitespace character (`\S` is exactly what String.prototype.trim strips), no
 *  NUL, no unpaired surrogate (a paired one is an astral code point, outside the range). */
export const NAME_PATTERN = '^(?=[\\s\\S]*\\S)[^\\u0000\\uD800-\\uDFFF]*$';

/** Years 1000..9999: four digits, the first not 0. `format: date` checks month and day. */
export const DATE_PATTERN = '^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$';

/** JSON Schema fragments for the HTTP API and the OpenAPI document. maxLength counts code points
 *  in ajv's unicode mode (on in httpServer.ts), matching `codePointLength`. */
export const nameJsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: NAME_MAX_CODE_POINTS,
  pattern: NAME_PATTERN,
  description: `1..${NAME_MAX_CODE_POINTS} Unicode code points (not UTF-16 units); not blank; no NUL; no unpaired surrogate`,
} as const;

export const dateJsonSchema = {
  type: 'string',
  format: 'date',
  pattern: DATE_PATTERN,
  description: `calendar date YYYY-MM-DD, years ${DATE_MIN_YEAR}..${DATE_MAX_YEAR}`,
} as const;
