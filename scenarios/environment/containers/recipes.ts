// What each local image is built from, as data: the Containerfile folder in the repo, the
// artifacts staged next to it, and the tag the Testcontainers modules (or our plan) ask for, so
// the engine finds the image locally and never tries a registry. Pure, so it is unit-tested.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';

/** The Debian root file system every image starts from (debootstrap minbase, imported). */
export const BASE_TAG = 'localhost/faultline/debian:bookworm';
export const RECIPE_LABEL = 'dev.faultline.recipe';
/** Every container of one environment carries it (value: the base port); `env down` removes them. */
export const ENV_LABEL = 'dev.faultline.env';

export type ImageName = 'mariadb' | 'kafka' | 'toxiproxy' | 'system';

export const IMAGE_TAGS: Record<ImageName, string> = {
  mariadb: 'docker.io/library/mariadb:10.11',
  kafka: 'docker.io/apache/kafka:4.1.1',
  toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
  system: 'localhost/faultline/system:dev',
};

export interface ImageRecipe {
  name: ImageName;
  tag: string;
  /** Folder holding the Containerfile and its own files. */
  dir: string;
  /** Build-context path → file outside the folder (cached artifacts); a directory is copied whole. */
  staged: Record<string, string>;
}

export function imageRecipe(name: ImageName, artifacts: { kafkaLibs: string; toxiproxyBin: string }): ImageRecipe {
  const staged: Record<ImageName, Record<string, string>> = {
    mariadb: {},
    kafka: { libs: artifacts.kafkaLibs, 'log4j2.yaml': join(PROJECT_ROOT, 'scenarios/environment/local/kafka/log4j2.yaml') },
    toxiproxy: { 'toxiproxy-server': artifacts.toxiproxyBin },
    // The project as it is checked out, on the Node binary running this code.
    system: {
      node: process.execPath,
      ...Object.fromEntries(
        ['package.json', 'tsconfig.json', 'system', 'sql', 'node_modules'].map((f) => [`app/${f}`, join(PROJECT_ROOT, f)]),
      ),
    },
  };
  return { name, tag: IMAGE_TAGS[name], dir: join(PROJECT_ROOT, 'containers', name), staged: staged[name] };
}

/** Tool caches inside node_modules (vitest's results, Vite's temp files): rewritten by every test
 *  run, never read by the system, so they are neither staged nor hashed. */
export const isToolCache = (path: string): boolean => /(^|\/)node_modules\/\.(vite|vite-temp|cache)(\/|$)/.test(path);

function hashPath(h: ReturnType<typeof createHash>, path: string, as: string): void {
  if (isToolCache(as)) return;
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return void h.update(`${as}\0dangling\0`);
  if (st.isDirectory()) {
    for (const entry of readdirSync(path).sort()) hashPath(h, join(path, entry), `${as}/${entry}`);
    return;
  }
  h.update(`${as}\0${st.mode & 0o111 ? 'x' : '-'}\0`);
  h.update(readFileSync(path));
  h.update('\0');
}

/** Changes exactly when a rebuild would produce a different image: the base, the recipe's files,
 *  the staged artifacts (file contents and executable bits, not timestamps). */
export function recipeHash(recipe: ImageRecipe, baseId: string): string {
  const h = createHash('sha256');
  h.update(`${recipe.tag}\0${baseId}\0`);
  hashPath(h, recipe.dir, '.');
  for (const [as, from] of Object.entries(recipe.staged).sort(([a], [b]) => a.localeCompare(b))) hashPath(h, from, as);
  return h.digest('hex').slice(0, 32);
}
