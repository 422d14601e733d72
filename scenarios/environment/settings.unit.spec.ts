import { describe, expect, it } from 'vitest';
import { harnessSettings } from './settings.ts';

describe('harness settings', () => {
  it('defaults: base port 19000, auto provider (undefined), host system, no debug', () => {
    expect(harnessSettings({})).toEqual({
      basePort: 19000,
      runDir: undefined,
      cache: undefined,
      provider: undefined,
      system: 'host',
      externalConfig: undefined,
      debug: false,
      benchEnvBasePort: undefined,
    });
  });

  it('reads each variable', () => {
    const s = harnessSettings({
      FAULTLINE_BASE_PORT: '22000',
      FAULTLINE_RUN_DIR: '/tmp/run',
      FAULTLINE_PROVIDER: 'local',
      FAULTLINE_SYSTEM: 'containers',
      FAULTLINE_DEBUG: '1',
      FAULTLINE_BENCH_ENV_BASE_PORT: '23000',
    });
    expect(s).toMatchObject({
      basePort: 22000,
      runDir: '/tmp/run',
      provider: 'local',
      system: 'containers',
      debug: true,
      benchEnvBasePort: 23000,
    });
  });

  it('refuses a bad value with one line naming the variable and what it accepts', () => {
    expect(() => harnessSettings({ FAULTLINE_PROVIDER: 'docker' })).toThrow(/FAULTLINE_PROVIDER.*local\|testcontainers\|external\|auto/);
    expect(() => harnessSettings({ FAULTLINE_SYSTEM: 'vm' })).toThrow(/FAULTLINE_SYSTEM.*host\|containers/);
    expect(() => harnessSettings({ FAULTLINE_BASE_PORT: 'abc' })).toThrow(/FAULTLINE_BASE_PORT/);
    // an integer, but its span would reach into the ephemeral range
    expect(() => harnessSettings({ FAULTLINE_BASE_PORT: '40000' })).toThrow(/FAULTLINE_BASE_PORT=40000 is not usable/);
    expect(() => harnessSettings({ FAULTLINE_DEBUG: 'maybe' })).toThrow(/FAULTLINE_DEBUG/);
  });
});
