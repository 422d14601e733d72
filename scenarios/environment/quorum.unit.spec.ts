import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeController, newestLeader, parseQuorumState } from './quorum.ts';

describe('active KRaft controller from quorum-state files', () => {
  it('reads the leader and epoch a node recorded, and nothing while it names no leader', () => {
    expect(parseQuorumState('{"leaderId":2,"leaderEpoch":7,"votedId":-1,"data_version":1}')).toEqual({ leaderId: 2, epoch: 7 });
    expect(parseQuorumState('{"leaderId":-1,"leaderEpoch":8,"votedId":3,"data_version":1}')).toBeUndefined();
  });

  it('believes the newest epoch: a killed node keeps an older leader in its file', () => {
    expect(newestLeader([{ leaderId: 1, epoch: 3 }, undefined, { leaderId: 3, epoch: 4 }])).toEqual({ leaderId: 3, epoch: 4 });
    expect(newestLeader([undefined])).toBeUndefined();
  });

  it('skips missing and half-written files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorum-'));
    writeFileSync(join(dir, 'a'), '{"leaderId":1,"leaderEpoch":2}');
    writeFileSync(join(dir, 'b'), '{"leaderId":');
    expect(activeController([join(dir, 'a'), join(dir, 'b'), join(dir, 'missing')])).toEqual({ leaderId: 1, epoch: 2 });
  });
});
