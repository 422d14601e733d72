// The architecture as rules (run by `npm run lint:deps`, part of `npm test`).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'system-not-to-scenarios',
      comment: 'The system under test never depends on the harness that tests it.',
      severity: 'error',
      from: { path: '^system/' },
      to: { path: '^(scenarios|fixtures)/' },
    },
    {
      name: 'no-cross-process-imports',
      comment:
        'A process folder of system/ does not reach into another process: shared code lives in system/shared/, test support in system/testing/.',
      severity: 'error',
      from: { path: '^system/(commandService|relay|projector|queryApi|cli)/' },
      to: {
        path: '^system/(commandService|relay|projector|queryApi|cli)/',
        pathNot: '^system/$1/',
      },
    },
    {
      name: 'no-folder-cycles',
      comment:
        'No cycles between folders of scenarios/ (nor fixtures/): shared data types belong in leaf modules.',
      severity: 'error',
      from: { path: '^(scenarios/[^/]+|fixtures)/' },
      to: {
        path: '^(scenarios/[^/]+|fixtures)/',
        pathNot: '^$1/',
        via: { path: '^(scenarios/[^/]+|fixtures)/', pathNot: '^$1/' },
        circular: true,
      },
    },
    {
      name: 'no-module-cycles',
      comment: 'No import cycles between modules.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.json'] },
  },
};
