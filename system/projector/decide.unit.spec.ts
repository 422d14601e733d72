import { describe, expect, it } from 'vitest';
import { decide, type StreamView } from './decide.ts';

const view = (v: Partial<StreamView>): StreamView => ({ inInbox: false, blocked: false, lastVersion: 0, ...v });

describe('decide', () => {
  it('applies the next version in every mode', () => {
    for (const mode of ['effectively-once', 'at-least-once', 'at-most-once'] as const) {
      expect(decide(mode, view({ lastVersion: 2 }), 3)).toBe('apply');
    }
  });

  it('skips an inbox hit only in effectively-once', () => {
    expect(decide('effectively-once', view({ inInbox: true, lastVersion: 3 }), 3)).toBe('duplicate');
    expect(decide('at-least-once', view({ inInbox: true, lastVersion: 3 }), 3)).toBe('reapply');
  });

  it('re-applies a stale version outside effectively-once, so the duplicate is visible', () => {
    expect(decide('effectively-once', view({ lastVersion: 5 }), 4)).toBe('duplicate');
    expect(decide('at-least-once', view({ lastVersion: 5 }), 4)).toBe('reapply');
    expect(decide('at-most-once', view({ lastVersion: 5 }), 5)).toBe('reapply');
  });

  it('parks everything on a blocked stream, even the next version', () => {
    expect(decide('effectively-once', view({ blocked: true, lastVersion: 1 }), 2)).toBe('park-blocked');
    expect(decide('at-least-once', view({ blocked: true, lastVersion: 1 }), 3)).toBe('park-blocked');
  });

  it("applies a genuine event at a discarded dead letter's version, and the next one past it", () => {
    // applied 2, a forged v3 dead-lettered then discarded: v3 counts as done for ordering only
    for (const mode of ['effectively-once', 'at-least-once', 'at-most-once'] as const) {
      expect(decide(mode, view({ lastVersion: 3, appliedVersion: 2 }), 3)).toBe('apply');
      expect(decide(mode, view({ lastVersion: 3, appliedVersion: 2 }), 4)).toBe('apply');
      expect(decide(mode, view({ lastVersion: 3, appliedVersion: 2 }), 5)).toBe('park-gap');
    }
    expect(decide('effectively-once', view({ lastVersion: 3, appliedVersion: 2 }), 2)).toBe('duplicate');
  });

  it('parks a version gap', () => {
    expect(decide('effectively-once', view({ lastVersion: 0 }), 2)).toBe('park-gap');
    expect(decide('at-least-once', view({ lastVersion: 3 }), 7)).toBe('park-gap');
  });

  it('drops a known duplicate even on a blocked stream', () => {
    expect(decide('effectively-once', view({ inInbox: true, blocked: true, lastVersion: 1 }), 1)).toBe('duplicate');
  });
});
