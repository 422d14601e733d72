// What the HTML shows for one result: the result itself, its timeline series and the per-stream
// timelines of the streams its anomalies name. Pure.
import { configurationLabel } from '../../checkers/expectations.ts';
import { buildTimeline, type ScenarioTimeline } from '../timeline.ts';
import { anomaliesOf, type ScenarioRunResult } from '../types.ts';
import type { ScenarioArtifacts } from './artifacts.ts';
import { anomalousStreams, buildStreamTimeline, type StreamTimeline } from './streamTimeline.ts';

export interface ScenarioView {
  id: string; // HTML id, unique in the page
  result: ScenarioRunResult;
  timeline: ScenarioTimeline;
  streams: StreamTimeline[];
  streamsOmitted: number; // anomalous streams not drawn (too many)
  problems: string[];
}

/** Per-stream timelines drawn per result: enough to see the pattern, small enough to read. */
export const MAX_STREAMS = 6;

export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function buildScenarioView(
  result: ScenarioRunResult,
  a: Pick<ScenarioArtifacts, 'entries' | 'samples' | 'samplerStartMs' | 'final' | 'problems'>,
  index: number,
): ScenarioView {
  const anomalies = anomaliesOf(result);
  const all = anomalousStreams(anomalies, Infinity);
  const streams = all.slice(0, MAX_STREAMS).map((s) => buildStreamTimeline(s, a.entries, anomalies, a.final));
  return {
    id: `r${index}-${slug(`${result.scenario}-${configurationLabel(result.configuration)}`)}`,
    result,
    timeline: buildTimeline({
      entries: a.entries,
      samples: a.samples,
      convergenceMs: result.convergenceMs ?? null,
      ...(a.samplerStartMs !== undefined ? { samplerStartMs: a.samplerStartMs } : {}),
    }),
    streams,
    streamsOmitted: all.length - streams.length,
    problems: a.problems,
  };
}
