// Lines `npm run env` prints about a running environment.
import type { SystemUrls } from '../environment/types.ts';

/** The system's URLs, each instance on its own line (the instances map is not one address). */
export function systemRows(system: SystemUrls | undefined): [string, string][] {
  const { instances, ...urls } = system ?? ({} as Partial<SystemUrls>);
  return [
    ...Object.entries(urls).map(([k, v]): [string, string] => [k, String(v)]),
    ...Object.entries(instances ?? {})
      .filter(([name]) => name.includes('#'))
      .map(([name, url]): [string, string] => [`instance ${name}`, url]),
  ];
}
