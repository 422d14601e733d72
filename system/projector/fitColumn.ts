// Values of a dead letter stored in bounded columns: kept exactly when they fit, otherwise
// replaced by an explicit marker `sha256:<hex> length=<n>` (code points) that no real value
// looks like, so a reader can tell a value that did not fit from a value. Never cut. Pure.
import { createHash } from 'node:crypto';
import { codePointLength } from '../shared/fields.ts';

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** `text` when it has at most `maxCodePoints`, else its hash and length (needs maxCodePoints >= 90). */
export function fitText(text: string | null | undefined, maxCodePoints: number): string | null {
  if (text === null || text === undefined) return null;
  const length = codePointLength(text);
  if (length <= maxCodePoints) return text;
  return `sha256:${sha256Hex(text)} length=${length}`;
}

/** A key as text: its UTF-8 when it is valid UTF-8 that fits, else the marker of its bytes. */
export function fitKey(key: Buffer | null, maxCodePoints: number): string | null {
  if (key === null) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(key);
  } catch {
    return `sha256:${sha256Hex(key)} length=${key.length} bytes`;
  }
  return fitText(text, maxCodePoints);
}

/** A text cut to `maxCodePoints` with a note saying so (for messages, whose full form is logged). */
export function capText(text: string, maxCodePoints: number): string {
  const cps = Array.from(text);
  if (cps.length <= maxCodePoints) return text;
  return `${cps.slice(0, maxCodePoints).join('')}… [${cps.length - maxCodePoints} more characters; sha256:${sha256Hex(text)}]`;
}
