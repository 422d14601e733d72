import { appliedMiscounted } from './appliedCounted.ts';
import { checkMetricLabels } from './metricLabels.ts';
import { result, type Anomaly, type CheckInput, type CheckResult, type TelemetrySample } from './types.ts';

export const DEFAULT_TELEMETRY_BOUND_MS = 5000;
/** A process may take its own stall threshold (the projector's PROJECTOR_STALL_AFTER_MS, 30 s by
 *  default, checked every second) before it says "stalled": only past that is "not stalled" a lie. */
export const DEFAULT_STALL_REPORT_BOUND_MS = 35_000;

/**
 * `telemetry-lied`: a process's own account of itself against the harness's measurement. A stall
 * is a run of samples where the harness measured lag > 0 and saw no progress (the read model's
 * applied count did not rise and the measured lag did not fall). Once a stall has
 * lasted longer than the bound, a sample in which the process still says it is ready with lag 0,
 * or ready and not stalled, is a lie — an operator trusting it would miss the outage. A process
 * that does not answer (null) says nothing, so it does not lie then; but a process that only
 * stopped answering for a while (frozen, its link cut) is the same process, and its stall goes on
 * through the silence. Only a replaced process (another `instance`, or a silence with no instance
 * to compare) starts afresh, with the whole bound to notice its backlog. One anomaly per stall.
 *
 * A process also lies when its lag gauges show figures while its own gauge says the lag cannot be
 * known (the figures are an older, stale copy a dashboard would trust). One anomaly per episode.
 * And when it counts a metric outside the labels the contract declares (metricLabels.ts): one
 * anomaly per series; and when a projector's final counters disagree with the rows it wrote in
 * the applied log (appliedCounted.ts).
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
    let silent = false;
    for (const s of samples) {
      if (s.ready === null) {
        silent = true;
        continue;
      }
      if (prev && replaced(prev, s, silent)) {
        stallStart = prev = undefined;
        reported = false;
      }
      silent = false;
      // The harness could not measure then: the sample neither ends a stall nor shows progress.
      if (s.measuredLag === null) continue;
      const lagging = s.measuredLag > 0;
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
  for (const [process, samples] of byProcess) anomalies.push(...staleFigures(process, samples));
  if (input.metricSamples && input.metricContract) anomalies.push(...checkMetricLabels(input.metricSamples, input.metricContract));
  // A run that never quiesced may still be applying: its counters are not final.
  if (input.metricSamples && input.convergence?.convergedAtMs !== null)
    anomalies.push(...appliedMiscounted(input.metricSamples, input.read.applied));
  return result('telemetry-lied', anomalies);
}

/** Episodes of lag figures exported beside "lag unknown" (samples already in time order). */
function staleFigures(process: string, samples: readonly TelemetrySample[]): Anomaly[] {
  const out: Anomaly[] = [];
  let inEpisode = false;
  for (const s of samples) {
    const lying = s.gaugeLagUnknown === true && typeof s.gaugeLag === 'number';
    if (lying && !inEpisode)
      out.push({
        name: 'telemetry-lied',
        message: `${process} exported lag figures (sum ${s.gaugeLag}) at ${Math.round(s.atMs)} ms while its own gauge said the lag is unknown: a stale copy a dashboard would show as current`,
        data: { process, atMs: s.atMs, gaugeLag: s.gaugeLag, gaugeLagUnknown: true },
      });
    if (s.ready !== null) inEpisode = lying;
  }
  return out;
}

/** Another process answers now: its instance changed, or it went silent and neither answer says which. */
function replaced(prev: TelemetrySample, s: TelemetrySample, silent: boolean): boolean {
  if (prev.instance !== undefined && s.instance !== undefined) return prev.instance !== s.instance;
  return silent;
}

/**
 * The applied count rose, or the measured lag fell (it is the further of the committed offset and
 * the read model's checkpoint, so it falls only when both moved). Either alone is not enough: the
 * count is a projector's, from 0 again at each restart, so a catch-up between two scrapes of a
 * projector that then dies shows no rise at all.
 */
function progressed(prev: TelemetrySample, s: TelemetrySample): boolean {
  const counted = typeof prev.appliedCount === 'number' && typeof s.appliedCount === 'number' && s.appliedCount > prev.appliedCount;
  return counted || (prev.measuredLag !== null && s.measuredLag !== null && s.measuredLag < prev.measuredLag);
}

/** Ready with lag 0 while lagging is a lie at once; "not stalled" only once the stall outlasted the
 *  process's own threshold for saying so (a recovering process with an honest lag figure is not lying). */
const lies = (s: TelemetrySample, stalledFor: number, stallBound: number): boolean =>
  s.ready === true && (s.reportedLag === 0 || (s.reportedStalled === false && stalledFor > stallBound));
