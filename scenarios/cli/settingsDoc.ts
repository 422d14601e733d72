// The settings tables of docs/settings.md, generated from the processes' own config definitions:
// each config function runs against a recording reader that notes every variable it reads, its
// kind, what it accepts and its default. A unit test compares the file with a fresh rendering, so
// a default changed in the code and not in the docs (or the other way round) fails `npm test`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCommandServiceConfig } from '../../system/commandService/config.ts';
import { projectorConfig } from '../../system/projector/config.ts';
import { queryApiConfig } from '../../system/queryApi/config.ts';
import { relayConfig } from '../../system/relay/config.ts';
import type { EnvReader } from '../../system/shared/config.ts';
import { PROJECT_ROOT } from '../environment/paths.ts';

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
const BEGIN = '<!-- generated: npm run docs:settings (do not edit by hand) -->';
const END = '<!-- end of generated settings -->';

/** The generated part of the doc, as it stands in the file. */
export function documentedSettings(text = readFileSync(SETTINGS_DOC, 'utf8')): string | undefined {
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  return from < 0 || to < from ? undefined : text.slice(from + BEGIN.length, to).trim();
}

/** Rewrites the generated part of docs/settings.md. */
export function writeSettingsDoc(): void {
  const text = readFileSync(SETTINGS_DOC, 'utf8');
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${SETTINGS_DOC} has no generated section (${BEGIN} … ${END})`);
  writeFileSync(SETTINGS_DOC, `${text.slice(0, from + BEGIN.length)}\n\n${renderSettings()}\n\n${text.slice(to)}`);
}
