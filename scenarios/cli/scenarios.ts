// `npm run scenarios`: for now it proves the environment comes up and goes down; the scenario
// catalog arrives with the harness (issue 4) and will replace this body.
import { getProvider, chooseProviderName } from '../environment/selectProvider.ts';
import { clearState, writeState } from '../environment/state.ts';
import { runCli } from './args.ts';

runCli(async () => {
  if (process.argv.length > 2) {
    console.error(`error: no flags are accepted yet (got ${process.argv.slice(2).join(' ')}): no scenario exists yet`);
    return 2;
  }
  const provider = await getProvider(await chooseProviderName());
  const started = Date.now();
  writeState(await provider.up({ brokers: 1, onProgress: (l) => console.log(`[env] ${l}`) }));
  console.log(`[env] up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log('no scenario exists yet: the environment came up healthy and is going down again');
  await provider.down();
  clearState();
  return 0;
});
