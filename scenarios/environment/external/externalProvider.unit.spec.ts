import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateExternalConfig } from './externalProvider.ts';

const example = JSON.parse(readFileSync(new URL('./example.json', import.meta.url), 'utf8'));

describe('external provider configuration', () => {
  it('accepts the documented example and counts brokers from the bootstrap list', () => {
    const addr = validateExternalConfig(example);
    expect(addr.provider).toBe('external');
    expect(addr.kafka.brokers).toBe(1);
  });
  it('names every missing or malformed address', () => {
    const bad = { ...example, kafka: { ...example.kafka, relay: [] }, links: { ...example.links, 'query-db': undefined } };
    expect(() => validateExternalConfig(bad, 'my.json')).toThrow(
      /my.json is not a usable external environment[\s\S]*kafka.relay[\s\S]*links.query-db/,
    );
  });
});

describe('external provider process control', () => {
  it('refuses to kill, pause or restart a server it did not start, saying which provider and why', async () => {
    const { externalControl } = await import('./externalProvider.ts');
    const { UnsupportedControlError } = await import('../types.ts');
    const c = externalControl();
    for (const t of ['kafka', 'kafka-2', 'commands-db', 'queries-db']) {
      await expect(c.kill(t)).rejects.toBeInstanceOf(UnsupportedControlError);
      await expect(c.restart(t)).rejects.toThrow(/external provider cannot restart a process: it did not start these servers/);
    }
    await expect(c.pause('queries-db')).rejects.toThrow(/external provider cannot pause/);
    await expect(c.crashPoints!.arm('kafka', 'relay.after-send-before-mark:1')).rejects.toThrow(/no crash points/);
  });
});
