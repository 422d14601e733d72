// The generated parts of the docs. The settings tables of docs/settings.md come from the
// processes' own config definitions:
// each config function runs against a recording reader that notes every variable it reads, its
// kind, what it accepts and its default. A unit test compares the file with a fresh rendering, so
// a default changed in the code and not in the docs (or the other way round) fails `npm test`.
// The anomaly table comes from the definitions beside ANOMALY_NAMES, the fault table from the
// families' kind declarations.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCommandServiceConfig } from '../../system/commandService/config.ts';
import { projectorConfig } from '../../system/projector/config.ts';
import { queryApiConfig } from '../../system/queryApi/config.ts';
import { relayConfig } from '../../system/relay/config.ts';
import type { EnvReader } from '../../system/shared/config.ts';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { readHarnessSettings } from '../environment/settings.ts';
import type { KindSpec } from '../faults/family.ts';
import { KINDS } from '../faults/registry.ts';

export interface Setting {
  name: string;
  accepted: string;
  default: string; // '—': required; '(unset)': optional
}

const show = (v: unknown) => (v === undefined ? '—' : Array.isArray(v) ? (v.length ? v.join(',') : '(none)') : String(v));

/** Every variable `build` reads (its first read describes it). */
export function recordSettings(build: (env: EnvReader) => unknown): Setting[] {
  const seen = new Map<string, Setting>();
  const note = (name: string, accepted: string, def: unknown) => {
    if (!seen.has(name)) seen.set(name, { name, accepted, default: show(def) });
  };
  const reader: EnvReader = {
    str: (name, def) => (note(name, 'text', def), def ?? 'x'),
    // Present, so the code paths behind an optional setting (a mechanism after a username) are read too.
    optional: (name) => (note(name, 'text, optional', '(unset)'), 'x'),
    int: (name, def, range = {}) => {
      note(
        name,
        `integer${range.min !== undefined || range.max !== undefined ? ` in [${range.min ?? '…'}, ${range.max ?? '…'}]` : ''}`,
        def,
      );
      return def ?? range.min ?? 1;
    },
    bool: (name, def) => (note(name, 'true/false', def), def ?? false),
    oneOf: (name, values, def) => (note(name, values.join(' \\| '), def), def ?? values[0]!),
    url: (name, protocols, def) => (note(name, `URL (${protocols.join(', ')})`, def), def ?? `${protocols[0]}://127.0.0.1:1/x`),
    list: (name, def) => (note(name, 'comma-separated list', def), def ? [...def] : ['127.0.0.1:1']),
  };
  build(reader);
  return [...seen.values()];
}

export const PROCESS_CONFIGS = [
  ['command service', 'system/commandService/config.ts', readCommandServiceConfig],
  ['relay', 'system/relay/config.ts', relayConfig],
  ['projector', 'system/projector/config.ts', projectorConfig],
  ['query API', 'system/queryApi/config.ts', queryApiConfig],
  ['the harness', 'scenarios/environment/settings.ts', readHarnessSettings],
] as const;

export function renderSettings(): string {
  const out: string[] = [];
  for (const [process, file, build] of PROCESS_CONFIGS) {
    out.push(`### ${process} (\`${file}\`)`, '', '| variable | accepts | default |', '|---|---|---|');
    const settings = recordSettings(build as (env: EnvReader) => unknown).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const s of settings) out.push(`| \`${s.name}\` | ${s.accepted} | ${s.default === '—' ? '— (required)' : `\`${s.default}\``} |`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}

export const SETTINGS_DOC = join(PROJECT_ROOT, 'docs', 'settings.md');

/** The generated parts of the docs: each file holds one between its markers. */
export const GENERATED_DOCS: readonly { file: string; render: () => string }[] = [
  { file: SETTINGS_DOC, render: renderSettings },
  { file: join(PROJECT_ROOT, 'docs', 'anomalies.md'), render: renderAnomalies },
  { file: join(PROJECT_ROOT, 'docs', 'faults.md'), render: renderFaultKinds },
];
const BEGIN = '<!-- generated: npm run docs (do not edit by hand) -->';
const END = '<!-- end of generated part -->';

/** The generated part of a doc, as it stands in the file. */
export function documentedPart(file: string, text = readFileSync(file, 'utf8')): string | undefined {
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  return from < 0 || to < from ? undefined : text.slice(from + BEGIN.length, to).trim();
}

/** Rewrites the generated part of every generated doc. */
export function writeGeneratedDocs(): string[] {
  return GENERATED_DOCS.map(({ file, render }) => {
    const text = readFileSync(file, 'utf8');
    const from = text.indexOf(BEGIN);
    const to = text.indexOf(END);
    if (from < 0 || to < from) throw new Error(`${file} has no generated part (${BEGIN} … ${END})`);
    writeFileSync(file, `${text.slice(0, from + BEGIN.length)}\n\n${render()}\n\n${text.slice(to)}`);
    return file;
  });
}

/** One line per anomaly, as `scenarios/checkers/types.ts` defines it beside `ANOMALY_NAMES`. */
export function renderAnomalies(source = readFileSync(join(PROJECT_ROOT, 'scenarios/checkers/types.ts'), 'utf8')): string {
  const block = source.slice(source.indexOf('export const ANOMALY_NAMES'), source.indexOf('] as const;'));
  const rows = [...block.matchAll(/^\s*'([a-z-]+)',\s*\/\/\s*(.+)$/gm)].map((m) => `| \`${m[1]}\` | ${m[2]!.replace(/\|/g, '\\|')} |`);
  return ['| anomaly | what it means |', '|---|---|', ...rows].join('\n');
}

const paramText = (spec: KindSpec['params']) =>
  Object.entries(spec)
    .map(([k, p]) => {
      const what = p.kind === 'enum' ? p.values.join('/') : p.kind === 'string' ? 'text' : `${p.kind} ${p.min}–${p.max}`;
      return `${k}${p.required ? '*' : ''} (${what})`;
    })
    .join(', ') || '—';

/** Every fault kind the nemesis knows, from the families' own declarations. */
export function renderFaultKinds(): string {
  const rows = [...KINDS.entries()].map(
    ([kind, { family, spec }]) =>
      `| \`${kind}\` | ${family.name} | ${spec.timing} | ${(spec.targets.describe ?? spec.targets.choices.join(', ')).replace(/\|/g, '\\|')} | ${paramText(spec.params).replace(/\|/g, '\\|')} | ${spec.random === false ? 'no' : 'yes'} | ${spec.traits?.join(', ') || '—'} |`,
  );
  return [
    '| kind | family | timing | targets | params (* required) | drawn by random schedules | traits |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
