import { defineConfig } from 'vitest/config';

// Three tiers, picked by file name: `.unit.spec.ts` needs no servers, `.int.spec.ts` needs the
// real environment (`npm run env -- up --infra-only`), `.browser.spec.ts` needs headless Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{system,scenarios,fixtures}/**/*.unit.spec.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'int',
          include: ['{system,scenarios}/**/*.int.spec.ts'],
          // Real processes share one environment and 2 cores: one file at a time.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['scenarios/**/*.browser.spec.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The testcontainers provider on a local podman engine (`npm run test:containers`): its
        // own specs plus the provider-independent integration tests, on containers.
        test: {
          name: 'containers',
          include: [
            'scenarios/**/*.containers.spec.ts',
            'scenarios/environment/links.int.spec.ts',
            'scenarios/environment/mariadbRoot.int.spec.ts',
            'system/**/*.int.spec.ts',
          ],
          globalSetup: ['scenarios/environment/testcontainers/containersTierSetup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
