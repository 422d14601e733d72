// The architecture as rules, checked by `npm run lint:deps` (part of `npm test`).
//
// scenarios/ is layered: a folder may import only folders of LOWER layers (and itself), so no
// two folders can ever reach each other in a cycle. Shared data types live in the low layers
// (history/ for the history, record/ for final state, samples and run facts); the one modes
// definition is system/shared/modes.ts.
const LAYERS = [
  ['history', 'environment'], // the history contract; the servers and processes
  ['workload', 'load'], // what is sent (and the model it is folded with)
  ['checkers'], // how a history and a final state are judged
  ['record'], // run-directory data shapes: final state, samples, run facts
  ['observe'], // the harness's own reads of the system (databases, topics)
  ['faults'], // the nemesis
  ['fixtures'], // fault profiles and poison cases, validated by faults/
  ['catalog', 'report', 'bench'], // scenarios assembled from the above; report writers; bench
  ['runner'], // phases, suite, re-judging
  ['cli', 'e2e'], // entry points; whole-system tests through the environment and the runner
  ['mutants'], // the mutation self-test drives the scenario CLI on mutated copies
];
// Tests may reach upward (a workload test judging its history with a checker): a spec is never
// imported, so it cannot close a cycle.
const SPEC = '\\.spec\\.ts$';
const PROCESSES = ['commandService', 'relay', 'projector', 'queryApi'];
const folderPath = (f) => (f === 'fixtures' ? '^fixtures/' : `^scenarios/${f}/`);

const layerRules = LAYERS.flatMap((layer, i) =>
  layer.flatMap((folder) => {
    const notBelow = LAYERS.slice(i)
      .flat()
      .filter((f) => f !== folder);
    if (notBelow.length === 0) return [];
    return {
      name: `layer-${folder}`,
      comment: `${folder} may import only lower layers: not ${notBelow.join(', ')}`,
      severity: 'error',
      from: { path: folderPath(folder), pathNot: SPEC },
      to: { path: notBelow.map(folderPath).join('|') },
    };
  }),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'faults-not-to-checkers',
      comment:
        'The nemesis acts, the checkers judge: they share only the history (scenarios/history/), so a fault can never be written to suit its judge.',
      severity: 'error',
      from: { path: '^scenarios/faults/' },
      to: { path: '^scenarios/checkers/' },
    },
    {
      name: 'system-not-to-scenarios',
      comment: 'The system under test never depends on the harness that tests it.',
      severity: 'error',
      from: { path: '^system/' },
      to: { path: '^(scenarios|fixtures)/' },
    },
    {
      name: 'no-cross-process-imports',
      comment: 'A process folder does not reach into another one: shared code in system/shared/, test support in system/testing/.',
      severity: 'error',
      from: { path: `^system/(${PROCESSES.join('|')})/` },
      to: { path: `^system/(${PROCESSES.join('|')}|cli)/`, pathNot: '^system/$1/' },
    },
    {
      // The operator CLIs (dlq, rebuild-read-model) act on the projector's data with its own
      // rules; they may use the projector's modules, never the other way round (rule above).
      name: 'cli-only-to-projector',
      severity: 'error',
      from: { path: '^system/cli/' },
      to: { path: '^system/(commandService|relay|queryApi)/' },
    },
    {
      name: 'shared-is-shared',
      comment: 'system/shared/ is below every process: it imports none of them.',
      severity: 'error',
      // Contract tests (the relay's record parsed by the projector) and integration tests may
      // reach into process folders and test support; shared runtime code may not.
      from: { path: '^system/shared/', pathNot: SPEC },
      to: { path: `^system/(${PROCESSES.join('|')}|cli|testing)/` },
    },
    {
      name: 'testing-below-processes',
      comment: "system/testing/ supports the processes' tests: it imports system/shared/ only, never a process or the CLIs.",
      severity: 'error',
      from: { path: '^system/testing/' },
      to: { path: `^system/(${PROCESSES.join('|')}|cli)/` },
    },
    ...layerRules,
    {
      name: 'layer-unlisted',
      comment: 'Every folder of scenarios/ has a place in LAYERS (add a new one there).',
      severity: 'error',
      from: { path: '^scenarios/', pathNot: `^scenarios/(${LAYERS.flat().join('|')})/` },
      to: {},
    },
    {
      name: 'no-cycles',
      comment:
        'No import cycles between modules, type-only ones included: they vanish at run time, but a reader still has to untangle them.',
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
