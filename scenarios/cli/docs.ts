// `npm run docs`: regenerates the generated parts of docs/ (settings, anomalies, fault kinds) from the code.
import { runCli } from './args.ts';
import { writeGeneratedDocs } from './generatedDocs.ts';

runCli(async () => {
  for (const f of writeGeneratedDocs()) console.log(`wrote the generated part of ${f}`);
  return 0;
});
