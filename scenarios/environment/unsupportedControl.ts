// Process control for a provider that cannot fault processes: every call says why, loudly.
import { type ProcessControl, UnsupportedControlError } from './types.ts';

export function unsupportedControl(provider: string, why: string): ProcessControl {
  const refuse = (what: string) => async (): Promise<never> => {
    throw new UnsupportedControlError(provider, what, why);
  };
  return {
    kill: refuse('kill a process'),
    pause: refuse('pause a process'),
    resume: refuse('resume a process'),
    restart: refuse('restart a process'),
    identity: async () => undefined,
    targets: async () => [],
  };
}
