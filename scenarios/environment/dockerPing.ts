// Whether a Docker-compatible engine answers `/_ping` at DOCKER_HOST (or the default socket).
import { request } from 'node:http';

export function dockerEngineAnswers(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1000): Promise<boolean> {
  const host = env.DOCKER_HOST;
  const target = host?.startsWith('tcp://')
    ? (() => {
        const u = new URL(host.replace('tcp://', 'http://'));
        return { host: u.hostname, port: Number(u.port) };
      })()
    : { socketPath: host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock' };
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}
