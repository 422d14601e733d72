// How many of a fetch's remaining records the next chunk takes (one offset commit per chunk).
// `isolate` (fault injection) gets a chunk of its own, the records before it ending the previous
// one, so a crash point at that record has exactly it in its apply/commit window. Pure.

export function nextChunkSize(available: number, batchMax: number, handledSoFar: number, isolate?: number): number {
  const n = Math.min(available, Math.max(1, batchMax));
  if (isolate === undefined || isolate <= handledSoFar) return n;
  return isolate === handledSoFar + 1 ? 1 : Math.min(n, isolate - handledSoFar - 1);
}
