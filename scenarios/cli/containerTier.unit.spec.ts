import { describe, expect, it } from 'vitest';
import { includesContainerTier } from './containerTier.ts';

describe('the container tier in a profile', () => {
  it('runs after the whole full profile only', () => {
    expect(includesContainerTier({ profile: 'full' })).toBe(true);
    expect(includesContainerTier({ profile: 'ci' })).toBe(false);
  });

  it('is left out of a selection and when skipped', () => {
    expect(includesContainerTier({ profile: 'full', only: ['broker-outage'] })).toBe(false);
    expect(includesContainerTier({ profile: 'full', publish: 'outbox' })).toBe(false);
    expect(includesContainerTier({ profile: 'full', consume: 'at-least-once' })).toBe(false);
    expect(includesContainerTier({ profile: 'full', skip: true })).toBe(false);
  });
});
