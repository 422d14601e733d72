// Write path: accepted commands/s at maximum (autocannon, as many connections as the command
// service's DB pool) vs the raw transaction of the same shape on the same server. Breakdown:
// the same raw loop through the command-db proxy (the proxy's cost), the command through the
// client proxy, and the command with relay and projector stopped (CPU they take on 2 cores).
import { runLoad, type LoadResult } from '../load/runLoad.ts';
import { figure } from './goals.ts';
import type { PhaseResult, Sizes } from './phase.ts';
import { dropSchema, rawWriteBaseline, RAW_COMMANDS_SCHEMA } from './rawWrite.ts';
import { readMetric, startProcess, stopProcess, type Log, type Running } from './systemControl.ts';

const loadSummary = (l: LoadResult) => ({ acceptedPerSecond: l.acceptedPerSecond, latencyMs: l.latencyMs, errors: l.errors });

export async function writePhase(env: Running, s: Sizes, log: Log): Promise<PhaseResult & { maxRate: number }> {
  const c = s.connections;
  await runLoad({ url: env.system.commandServiceDirect, durationS: 1, connections: c }); // warm-up: JIT, pools
  const raw = await rawWriteBaseline(env, { connections: c, durationMs: s.writeSeconds * 1000 });
  log(`  raw transactions (direct, ${c} connections): ${raw.perSecond.toFixed(0)}/s`);

  const metric = 'faultline_command_duration_seconds';
  const before = {
    sum: await readMetric(env.system.commandServiceDirect, `${metric}_sum`),
    n: await readMetric(env.system.commandServiceDirect, `${metric}_count`),
  };
  const http = await runLoad({ url: env.system.commandServiceDirect, durationS: s.writeSeconds, connections: c });
  const after = {
    sum: await readMetric(env.system.commandServiceDirect, `${metric}_sum`),
    n: await readMetric(env.system.commandServiceDirect, `${metric}_count`),
  };
  log(`  commands (direct HTTP, ${c} connections): ${http.acceptedPerSecond}/s, p99 ${http.latencyMs.p99} ms`);

  const rawProxy = await rawWriteBaseline(env, {
    connections: c,
    durationMs: s.writeSeconds * 1000,
    via: env.links['command-db'][0]!.listen,
  });
  log(`  raw transactions through the command-db proxy: ${rawProxy.perSecond.toFixed(0)}/s`);
  const viaProxy = await runLoad({ url: env.system.commandService, durationS: s.writeSeconds, connections: c });
  log(`  commands through the client-command proxy: ${viaProxy.acceptedPerSecond}/s`);
  await Promise.all([stopProcess('relay'), stopProcess('projector')]);
  const alone = await runLoad({ url: env.system.commandServiceDirect, durationS: s.writeSeconds, connections: c });
  log(`  commands with relay and projector stopped: ${alone.acceptedPerSecond}/s`);
  await Promise.all([startProcess('relay'), startProcess('projector')]);
  await dropSchema(env, 'commands', RAW_COMMANDS_SCHEMA);

  const serviceMs = after.n > before.n ? ((after.sum - before.sum) / (after.n - before.n)) * 1000 : Number.NaN;
  return {
    maxRate: http.acceptedPerSecond,
    figures: [
      figure({
        name: 'write path, relay + projector running',
        value: http.acceptedPerSecond,
        unit: 'commands/s',
        baseline: { name: `raw mysql2 tx/s, ${c} conns`, value: raw.perSecond },
        goal: { kind: 'min-ratio', target: 0.7 },
      }),
      figure({
        name: 'write path, relay + projector stopped',
        value: alone.acceptedPerSecond,
        unit: 'commands/s',
        baseline: { name: `raw mysql2 tx/s, ${c} conns`, value: raw.perSecond },
        goal: { kind: 'min-ratio', target: 0.7 },
      }),
    ],
    breakdown: {
      connections: c,
      rawDirect: raw,
      rawThroughCommandDbProxy: rawProxy,
      commandsDirect: loadSummary(http),
      commandsThroughClientProxy: loadSummary(viaProxy),
      commandsWithRelayAndProjectorStopped: loadSummary(alone),
      meanMs: {
        rawTransaction: raw.perSecond > 0 ? (c * 1000) / raw.perSecond : null,
        rawTransactionThroughProxy: rawProxy.perSecond > 0 ? (c * 1000) / rawProxy.perSecond : null,
        serviceHandling: serviceMs, // command_duration_seconds: transaction + its two reads
        clientObserved: http.latencyMs.mean, // + HTTP, JSON, Fastify
      },
    },
    notes: [],
  };
}
