// Which scenario runs in which configuration: the guarantee matrix per profile. Pure.
import type { Configuration } from '../../system/shared/modes.ts';
import type { Scenario } from '../catalog/types.ts';

export const PROFILES = ['ci', 'full'] as const;
export type Profile = (typeof PROFILES)[number];

export const BASELINE: Configuration = { publish: 'outbox', consume: 'effectively-once' };
/** The configurations a scenario runs in under `full` unless it narrows them. */
export const ALL_CONFIGURATIONS: readonly Configuration[] = [
  BASELINE,
  { publish: 'outbox', consume: 'at-least-once' },
  { publish: 'outbox', consume: 'at-most-once' },
  { publish: 'dual-write', consume: 'effectively-once' },
];
/** What a publisher-side scenario adds by default: Debezium on Kafka Connect publishing instead of the relay. */
export const CDC_CONFIGURATIONS: readonly Configuration[] = [
  { publish: 'cdc', consume: 'effectively-once' },
  { publish: 'cdc-eos', consume: 'effectively-once' },
];

/** The configurations a scenario runs in under `full` (and may be asked for by name). */
export const configurationsOf = (s: Scenario): readonly Configuration[] =>
  s.configurations ?? (s.publisherSide ? [...ALL_CONFIGURATIONS, ...CDC_CONFIGURATIONS] : ALL_CONFIGURATIONS);

export interface Cell {
  scenario: Scenario;
  configuration: Configuration;
}
export interface MatrixOptions {
  profile: Profile;
  only?: readonly string[] | undefined;
  publish?: Configuration['publish'] | undefined;
  consume?: Configuration['consume'] | undefined;
}

const same = (a: Configuration, b: Configuration) => a.publish === b.publish && a.consume === b.consume;

export function planMatrix(all: readonly Scenario[], o: MatrixOptions): Cell[] {
  // ci leaves out multi-broker scenarios (bringing up three brokers does not fit its budget on
  // 2 cores) unless named; full runs them.
  const inProfile = (s: Scenario) => o.profile === 'full' || (s.topology?.brokers ?? 1) === 1 || o.only?.includes(s.name);
  const chosen = (o.only?.length ? all.filter((s) => o.only!.includes(s.name)) : all).filter(inProfile);
  const cells: Cell[] = [];
  const add = (scenario: Scenario, configuration: Configuration) => {
    const allowed = configurationsOf(scenario);
    if (
      allowed.some((c) => same(c, configuration)) &&
      !cells.some((x) => x.scenario === scenario && same(x.configuration, configuration))
    ) {
      cells.push({ scenario, configuration });
    }
  };
  if (o.publish || o.consume) {
    // An explicit configuration: every chosen scenario in exactly that one.
    const c: Configuration = { publish: o.publish ?? BASELINE.publish, consume: o.consume ?? BASELINE.consume };
    for (const s of chosen) add(s, c);
    return cells;
  }
  for (const s of chosen) {
    if (o.profile === 'ci' && s.fullOnly && !o.only?.includes(s.name)) continue;
    if (o.profile === 'full') for (const c of configurationsOf(s)) add(s, c);
    else add(s, s.configurations?.[0] ?? BASELINE);
  }
  // Beyond each scenario's first configuration, ci runs the cells scenarios declare: where a weaker mode must be seen.
  if (o.profile === 'ci') for (const s of chosen) if (!s.fullOnly || o.only?.includes(s.name)) for (const c of s.ci ?? []) add(s, c);
  return cells;
}

export function unknownNames(all: readonly Scenario[], names: readonly string[]): string[] {
  return names.filter((n) => !all.some((s) => s.name === n));
}
