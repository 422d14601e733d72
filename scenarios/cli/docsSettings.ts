// `npm run docs:settings`: regenerates the settings tables of docs/settings.md from the code.
import { runCli } from './args.ts';
import { SETTINGS_DOC, writeSettingsDoc } from './settingsDoc.ts';

runCli(async () => {
  writeSettingsDoc();
  console.log(`wrote the settings tables of ${SETTINGS_DOC}`);
  return 0;
});
