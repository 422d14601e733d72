// A preferred-leader election on one topic, as operators run before a rolling restart: every
// partition goes back to its first replica, so each broker leads its share again after earlier
// failovers left one broker leading most of them. kafkajs has no ElectLeaders API: Kafka's own
// admin client does it, from a single Java source file run against the broker's jars.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureKafka } from './local/install.ts';
import { kafkaClientPropertiesFile } from './state.ts';

const SOURCE = fileURLToPath(new URL('./kafkaTools/ElectPreferredLeaders.java', import.meta.url));

export interface ElectionOutcome {
  /** Every partition is led by its preferred replica. */
  ok: boolean;
  /** One line per partition ("0 ok", "1 unchanged", "2 failed …"), or why the tool failed. */
  lines: string[];
}

export function electPreferredLeaders(topic: string, timeoutMs = 30_000): Promise<ElectionOutcome> {
  const libs = ensureKafka(() => undefined);
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-Xmx128m', '-XX:TieredStopAtLevel=1', '-cp', `${libs}/*`, SOURCE, kafkaClientPropertiesFile(), topic], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = out.split('\n').filter((l) => l.trim() !== '');
      if (code === 0 || code === 1) resolve({ ok: code === 0, lines });
      else {
        const why = signal ? `killed by ${signal} after ${timeoutMs} ms` : `exit ${code}`;
        resolve({ ok: false, lines: [...lines, `the election tool failed (${why}): ${err.trim().split('\n').slice(-3).join(' | ')}`] });
      }
    });
  });
}
