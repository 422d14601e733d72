// Preloaded into every process of a coverage run (NODE_OPTIONS=--import <this file>): the system
// runs Stryker's instrumented code, which counts each mutant's place as it executes it in
// `globalThis.__stryker__.mutantCoverage.static`. This writes the ids seen so far to
// `<FAULTLINE_MUTANT_COVERAGE_DIR>/<process>-<pid>.json` every half second and at exit, so a
// process the scenario SIGKILLs still leaves what it had run.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.FAULTLINE_MUTANT_COVERAGE_DIR;
if (dir) {
  const name = (process.env.SERVICE_NAME ?? 'harness').replace(/[^a-z0-9-]/gi, '_');
  const file = join(dir, `${name}-${process.pid}.json`);
  let written = -1;
  const dump = () => {
    const seen = Object.keys(globalThis.__stryker__?.mutantCoverage?.static ?? {});
    if (seen.length === written) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(seen));
    renameSync(`${file}.tmp`, file); // whole or not at all, even when killed mid-write
    written = seen.length;
  };
  setInterval(dump, 500).unref();
  process.on('exit', dump);
}
