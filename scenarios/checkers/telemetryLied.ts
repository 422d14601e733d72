import { result, type Anomaly, type CheckInput, type CheckResult, type TelemetrySample } from './types.ts';

export const DEFAULT_TELEMETRY_BOUND_MS = 5000;
/** A process may take its own stall threshold (the projector's PROJECTOR_STALL_AFTER_MS, 30 s by
 *  default, checked every second) before it says "stalled": only past that is "not stalled" a lie. */
export const DEFAULT_STALL_REPORT_BOUND_MS = 35_000;

/**
 * `telemetry-lied`: a process's own account of itself against the harness's measurement. A stall
 * is a run of samples where the harness measured lag > 0 and saw no progress (the read model's
 * applied count did not rise; without counts, the measured lag did not fall). Once a stall has
 * lasted longer than the bound, a sample in which the process still says it is ready with lag 0,
 * or ready and not stalled, is a lie — an operator trusting it would miss the outage. A process
 * that does not answer (null) says nothing, so it does not lie, and a stall is timed from its
 * first answer after that. One anomaly per stall.
 */
export function checkTelemetryLied(input: CheckInput): CheckResult {
  const bound = input.telemetryBoundMs ?? DEFAULT_TELEMETRY_BOUND_MS;
  const stallBound = Math.max(bound, input.stallReportBoundMs ?? DEFAULT_STALL_REPORT_BOUND_MS);
  const byProcess = new Map<string, TelemetrySample[]>();
  for (const s of input.telemetry ?? []) {
    const list = byProcess.get(s.process);
    if (list) list.push(s);
    else byProcess.set(s.process, [s]);
  }
  const anomalies: Anomaly[] = [];
  for (const [process, samples] of byProcess) {
    samples.sort((a, b) => a.atMs - b.atMs);
    let stallStart: TelemetrySample | undefined;
    let reported = false;
    let prev: TelemetrySample | undefined;
    for (const s of samples) {
      if (s.ready === null) {
        // Down or restarting: the time it did not answer is not a stall it could have reported,
        // so a restarted process gets the whole bound to notice its backlog.
        stallStart = prev = undefined;
        reported = false;
        continue;
      }
      const lagging = s.measuredLag !== null && s.measuredLag > 0;
      if (!lagging || (prev && progressed(prev, s))) {
        stallStart = lagging ? s : undefined;
        reported = false;
      } else stallStart ??= s;
      prev = s;
      const stalledFor = stallStart ? s.atMs - stallStart.atMs : 0;
      if (!stallStart || reported || stalledFor <= bound || !lies(s, stalledFor, stallBound)) continue;
      reported = true;
      anomalies.push({
        name: 'telemetry-lied',
        message: `${process} reported ready${s.reportedLag === 0 ? ', lag 0' : ''}${s.reportedStalled === false ? ', not stalled' : ''} at ${Math.round(s.atMs)} ms while the harness measured lag ${s.measuredLag} and no progress for ${Math.round(s.atMs - stallStart.atMs)} ms (bound ${bound} ms)`,
        data: {
          process,
          stalledSinceMs: stallStart.atMs,
          atMs: s.atMs,
          measuredLag: s.measuredLag,
          reportedLag: s.reportedLag,
          reportedStalled: s.reportedStalled,
          appliedCount: s.appliedCount,
          boundMs: bound,
        },
      });
    }
  }
  return result('telemetry-lied', anomalies);
}

function progressed(prev: TelemetrySample, s: TelemetrySample): boolean {
  if (typeof prev.appliedCount === 'number' && typeof s.appliedCount === 'number') return s.appliedCount > prev.appliedCount;
  return prev.measuredLag !== null && s.measuredLag !== null && s.measuredLag < prev.measuredLag;
}

/** Ready with lag 0 while lagging is a lie at once; "not stalled" only once the stall outlasted the
 *  process's own threshold for saying so (a recovering process with an honest lag figure is not lying). */
const lies = (s: TelemetrySample, stalledFor: number, stallBound: number): boolean =>
  s.ready === true && (s.reportedLag === 0 || (s.reportedStalled === false && stalledFor > stallBound));
