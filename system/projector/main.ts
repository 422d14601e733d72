// Projector process: `node --import tsx system/projector/main.ts` (env vars: see config.ts).
import { loadConfig } from '../shared/config.ts';
import { installCrashPoints } from '../shared/crashPoints.ts';
import { initTracing } from '../shared/tracing.ts';
import { projectorConfig } from './config.ts';
import { startProjector } from './startProjector.ts';

installCrashPoints();
const config = loadConfig(projectorConfig);
initTracing('projector');
await startProjector(config);
