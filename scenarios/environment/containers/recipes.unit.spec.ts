import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGE_TAGS, imageRecipe, isToolCache, recipeHash } from './recipes.ts';

function scratchRecipe() {
  const root = mkdtempSync(join(tmpdir(), 'faultline-recipe-'));
  const dir = join(root, 'image');
  const libs = join(root, 'libs');
  mkdirSync(dir);
  mkdirSync(libs);
  writeFileSync(join(dir, 'Containerfile'), 'FROM base\n');
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n');
  writeFileSync(join(libs, 'a.jar'), 'jar a');
  return { dir, libs, recipe: { name: 'kafka' as const, tag: 't', dir, staged: { libs } } };
}

describe('image recipes', () => {
  it("tags images with the names Testcontainers resolves the modules' short names to", () => {
    expect(IMAGE_TAGS.mariadb).toBe('docker.io/library/mariadb:10.11');
    expect(IMAGE_TAGS.kafka).toBe('docker.io/apache/kafka:4.1.1');
    expect(imageRecipe('kafka', { kafkaLibs: '/l', toxiproxyBin: '/t' }).staged.libs).toBe('/l');
    expect(imageRecipe('toxiproxy', { kafkaLibs: '/l', toxiproxyBin: '/t' }).staged['toxiproxy-server']).toBe('/t');
  });

  it('hashes the same inputs the same way, whatever their timestamps', () => {
    const { dir, recipe } = scratchRecipe();
    const before = recipeHash(recipe, 'base1');
    writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n'); // same content, new mtime
    expect(recipeHash(recipe, 'base1')).toBe(before);
  });

  it('changes with the base, a recipe file, an executable bit or a staged artifact', () => {
    const { dir, libs, recipe } = scratchRecipe();
    const seen = new Set([recipeHash(recipe, 'base1')]);
    const step = () => {
      const h = recipeHash(recipe, 'base1');
      expect(seen.has(h)).toBe(false);
      seen.add(h);
    };
    expect(seen.has(recipeHash(recipe, 'base2'))).toBe(false);
    writeFileSync(join(dir, 'Containerfile'), 'FROM base\nRUN true\n');
    step();
    chmodSync(join(dir, 'run.sh'), 0o755);
    step();
    writeFileSync(join(libs, 'b.jar'), 'jar b');
    step();
  });

  it("ignores the tools' caches inside node_modules (rewritten by every test run), not the packages", () => {
    const { libs, recipe } = scratchRecipe();
    const withModules = { ...recipe, staged: { ...recipe.staged, 'app/node_modules': join(libs, 'node_modules') } };
    mkdirSync(join(libs, 'node_modules/.vite/vitest'), { recursive: true });
    mkdirSync(join(libs, 'node_modules/kafkajs'), { recursive: true });
    writeFileSync(join(libs, 'node_modules/kafkajs/index.js'), 'v1');
    const before = recipeHash(withModules, 'base1');
    writeFileSync(join(libs, 'node_modules/.vite/vitest/results.json'), `{"at":${Date.now()}}`);
    expect(recipeHash(withModules, 'base1')).toBe(before);
    writeFileSync(join(libs, 'node_modules/kafkajs/index.js'), 'v2');
    expect(recipeHash(withModules, 'base1')).not.toBe(before);
    expect(isToolCache('/w/node_modules/.vite-temp/x.mjs')).toBe(true);
    expect(isToolCache('/w/node_modules/.bin/tsx')).toBe(false);
  });
});
