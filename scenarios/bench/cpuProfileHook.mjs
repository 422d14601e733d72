// Preloaded into each system process by the bench (NODE_OPTIONS=--import <this file>), because
// Node 20 refuses --cpu-prof in NODE_OPTIONS: profiles the main thread with the inspector from
// start to exit and writes `<process>-<pid>.cpuprofile` into FAULTLINE_CPU_PROF_DIR.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/** `…/system/relay/main.ts` → `relay`; anything else → `node`. */
export function processName(entry) {
  const m = /system[\\/]([A-Za-z]+)[\\/]main\.ts$/.exec(entry ?? '');
  return m ? m[1] : 'node';
}

const dir = process.env.FAULTLINE_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 }); // 1 ms
  session.post('Profiler.start');
  // The profile's clock is V8's own: the wall time of its start lets a reader keep only the
  // samples of a measured window (profileSummary.ts).
  const wallStartMs = Date.now();
  // The in-process session answers synchronously, so this works inside an exit handler.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (err || !res) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, `${processName(process.argv[1])}-${process.pid}.cpuprofile`),
        JSON.stringify({ ...res.profile, wallStartMs }),
      );
    });
  });
}
