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
    expect(() => validateExternalConfig(bad, 'my.json')).toThrow(/my.json is not a usable external environment[\s\S]*kafka.relay[\s\S]*links.query-db/);
  });
});
