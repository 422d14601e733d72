// Which claimed candidates a relay may keep without risking a stream's order on the topic. Pure.
//
// A candidate row may be sent only if every earlier unpublished row of its stream is either among
// the candidates or already in this relay's own queue (claimed, ahead of it, sent in order by the
// same producer). An earlier row held by anyone else — claimed by another relay, locked by a
// concurrent claim, or simply skipped — "blocks" the stream from that row on: this relay keeps
// the stream's rows before the blocker and leaves the rest for a later claim.

export interface Candidate {
  id: number;
  streamId: string;
}

/**
 * @param candidates in ascending id order
 * @param blockers stream id → smallest id of an unpublished row of that stream that is neither a
 *   candidate nor in this relay's queue
 */
export function keepInStreamOrder<T extends Candidate>(candidates: readonly T[], blockers: ReadonlyMap<string, number>): T[] {
  return candidates.filter((c) => {
    const b = blockers.get(c.streamId);
    return b === undefined || c.id < b;
  });
}

/**
 * Splits rows into sends of at most `size` rows and, when given, about `maxBytes` (a send holds
 * at least one row, however large), keeping their order.
 */
export function intoBatches<T>(rows: readonly T[], size: number, bytes?: { maxBytes: number; bytesOf: (row: T) => number }): T[][] {
  if (!(size >= 1)) throw new RangeError('batch size must be ≥ 1');
  const out: T[][] = [];
  let cur: T[] = [];
  let curBytes = 0;
  for (const row of rows) {
    const b = bytes ? bytes.bytesOf(row) : 0;
    if (cur.length >= size || (bytes && cur.length > 0 && curBytes + b > bytes.maxBytes)) {
      out.push(cur);
      cur = [];
      curBytes = 0;
    }
    cur.push(row);
    curBytes += b;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
