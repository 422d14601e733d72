// The shape every fault has, whatever its kind: what the families and their specs handle. The
// typed union of every kind (`types.ts`) is built from the families' parameter declarations, so
// the families must not depend on it (that would be a circle).
export interface FaultShape {
  at: number; // ms since the workload started
  fault: string;
  target: string;
  duration: number;
  params: object;
}
