// The active KRaft controller, read from the quorum-state file each node keeps next to its
// metadata log. Kafka's Metadata response names a random broker as "controller" in KRaft mode
// and kafkajs has no DescribeQuorum, so the nodes' own election records are the cheap source: the
// leader of the highest epoch any node has recorded is the active controller.
import { readFileSync } from 'node:fs';

export interface QuorumLeader {
  leaderId: number;
  epoch: number;
}

/** One node's quorum-state JSON; undefined when it names no leader (an election in progress). */
export function parseQuorumState(text: string): QuorumLeader | undefined {
  const j = JSON.parse(text) as { leaderId?: unknown; leaderEpoch?: unknown };
  if (typeof j.leaderId !== 'number' || typeof j.leaderEpoch !== 'number' || j.leaderId < 0) return undefined;
  return { leaderId: j.leaderId, epoch: j.leaderEpoch };
}

/** The leader of the newest epoch among the given states (a dead node's file is only older). */
export function newestLeader(states: readonly (QuorumLeader | undefined)[]): QuorumLeader | undefined {
  let best: QuorumLeader | undefined;
  for (const s of states) if (s && (!best || s.epoch > best.epoch)) best = s;
  return best;
}

/** Reads every node's quorum-state file; unreadable or half-written files are skipped. */
export function activeController(files: readonly string[]): QuorumLeader | undefined {
  return newestLeader(
    files.map((f) => {
      try {
        return parseQuorumState(readFileSync(f, 'utf8'));
      } catch {
        return undefined;
      }
    }),
  );
}
