// The Kafka Connect worker's REST API, the calls the harness needs: is the worker up, register a
// connector, its state and its task's, restart it and its task.
import { CONNECTOR_NAME } from './connector.ts';

export interface ConnectorStatus {
  connector: { state: string; trace?: string };
  tasks: { id: number; state: string; trace?: string }[];
}

export class ConnectRestError extends Error {
  constructor(
    what: string,
    readonly status: number,
    body: string,
  ) {
    super(`Kafka Connect ${what}: HTTP ${status} ${body.slice(0, 500)}`);
    this.name = 'ConnectRestError';
  }
}

async function call(url: string, what: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000), headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  if (!res.ok) throw new ConnectRestError(what, res.status, text);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** The worker answers its root resource (it may not have joined its group yet). */
export async function workerAnswers(rest: string): Promise<boolean> {
  const v = (await call(`${rest}/`, 'version')) as { version?: string };
  return typeof v.version === 'string';
}

/** Creates or updates the connector (PUT is idempotent). */
export async function putConnector(rest: string, config: Record<string, string>, name = CONNECTOR_NAME): Promise<void> {
  await call(`${rest}/connectors/${name}/config`, `PUT /connectors/${name}/config`, { method: 'PUT', body: JSON.stringify(config) });
}

export async function connectorStatus(rest: string, name = CONNECTOR_NAME): Promise<ConnectorStatus> {
  return (await call(`${rest}/connectors/${name}/status`, `GET /connectors/${name}/status`)) as ConnectorStatus;
}

/** The connector and each of its tasks RUNNING. */
export const isRunning = (s: ConnectorStatus): boolean =>
  s.connector.state === 'RUNNING' && s.tasks.length > 0 && s.tasks.every((t) => t.state === 'RUNNING');

/** A failed connector or task, with the worker's stack trace: the reason, loudly. */
export function failureOf(s: ConnectorStatus): string | undefined {
  if (s.connector.state === 'FAILED') return `connector FAILED: ${s.connector.trace ?? '(no trace)'}`;
  const t = s.tasks.find((x) => x.state === 'FAILED');
  return t ? `task ${t.id} FAILED: ${t.trace ?? '(no trace)'}` : undefined;
}

/** Restarts the connector and its tasks (all of them, failed or not). */
export async function restartConnector(rest: string, name = CONNECTOR_NAME): Promise<void> {
  await call(`${rest}/connectors/${name}/restart?includeTasks=true&onlyFailed=false`, `POST /connectors/${name}/restart`, {
    method: 'POST',
  });
}

/** Restarts one task. */
export async function restartTask(rest: string, task = 0, name = CONNECTOR_NAME): Promise<void> {
  await call(`${rest}/connectors/${name}/tasks/${task}/restart`, `POST /connectors/${name}/tasks/${task}/restart`, { method: 'POST' });
}
