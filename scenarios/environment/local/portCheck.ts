// A port already taken by someone else must be reported with the setting that moves it,
// not surface later as a cryptic bind error in a server log.
import { createServer } from 'node:net';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export async function assertPortsFree(ports: { port: number; what: string }[]): Promise<void> {
  for (const { port, what } of ports) {
    if (!(await isPortFree(port))) {
      throw new Error(
        `port ${port} (${what}) is already in use on 127.0.0.1; move every faultline port with ` +
          `FAULTLINE_BASE_PORT=<base> (now ${process.env.FAULTLINE_BASE_PORT ?? 'default 19000'}), ` +
          `or stop what holds it (\`ss -ltnp 'sport = :${port}'\`)`,
      );
    }
  }
}
