// The outbox connector: Debezium's MariaDB connector streaming `commands.outbox` from the binary
// log, and its outbox event router turning each inserted row into the record the relay would
// send (system/relay/outboxMessage.ts): key = the stream id, value = the envelope's JSON (the
// row's generated `envelope` column, sql/commands/003_outbox_envelope.sql), and the same headers
// (event-id, event-type, schema-version, stream-version, correlation-id, causation-id,
// traceparent). Registered through the worker's REST API.
import { join } from 'node:path';
import { TOPIC } from '../../../system/shared/events.ts';
import { secretsFile } from './worker.ts';

export const CONNECTOR_NAME = 'outbox';

export interface OutboxConnectorOptions {
  /** The worker's dir (secrets file, schema history). */
  dir: string;
  /** host:port of the connect-db proxy. */
  database: string;
  /** cdc-eos: the connector requires exactly-once support and commits a transaction per poll. */
  exactlyOnce: boolean;
  topic?: string;
}

/** outbox column → record header, as recordOf names them (system/shared/kafka.ts). */
export const HEADER_COLUMNS = {
  event_id: 'event-id',
  type: 'event-type',
  schema_version: 'schema-version',
  stream_version: 'stream-version',
  correlation_id: 'correlation-id',
  causation_id: 'causation-id',
  traceparent: 'traceparent',
} as const;

/** The connector's configuration. Pure. */
export function outboxConnectorConfig(o: OutboxConnectorOptions): Record<string, string> {
  const [host, port] = o.database.split(':');
  return {
    'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
    'tasks.max': '1',
    'database.hostname': host!,
    'database.port': port!,
    'database.user': 'cdc_connector',
    'database.password': `\${file:${secretsFile(o.dir)}:database.password}`,
    'database.ssl.mode': 'disable',
    // How often the binlog reader tries to reconnect after its connection dropped. At Debezium's
    // default (60 s) a 3 s cut of connect-db stalled publishing for two minutes (write-db-outage):
    // a relay retries its database within a second or two, so the comparison uses the same.
    'connect.keep.alive.interval.ms': '2000',
    // Any id no other replica of `commands` uses (the server itself is 1).
    'database.server.id': '5401',
    'topic.prefix': 'faultline',
    'database.include.list': 'commands',
    'table.include.list': 'commands.outbox',
    // The outbox as it is when the connector first starts, then the binary log from there. The
    // default locking (a brief global read lock while the binlog position is read) keeps the two
    // consistent: without it ('none') a row committed during the snapshot was published twice,
    // once by the snapshot and once from the binlog.
    'snapshot.mode': 'initial',
    'include.schema.changes': 'false',
    // Only the headers the relay sends (and the router's `id`): no Debezium context headers.
    'extended.headers.enabled': 'false',
    'tombstones.on.delete': 'false',
    'schema.history.internal': 'io.debezium.storage.file.history.FileSchemaHistory',
    'schema.history.internal.file.filename': join(o.dir, 'schema-history.dat'),
    transforms: 'outbox',
    'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
    'transforms.outbox.table.field.event.id': 'event_id',
    'transforms.outbox.table.field.event.key': 'stream_id',
    'transforms.outbox.table.field.event.payload': 'envelope',
    'transforms.outbox.table.expand.json.payload': 'false',
    // One topic for every row: the route field's value is matched and replaced by the topic's name.
    'transforms.outbox.route.by.field': 'type',
    'transforms.outbox.route.topic.regex': '.*',
    'transforms.outbox.route.topic.replacement': o.topic ?? TOPIC,
    'transforms.outbox.table.fields.additional.placement': Object.entries(HEADER_COLUMNS)
      .map(([column, header]) => `${column}:header:${header}`)
      .join(','),
    // The relay's marks and claims update rows; only inserts are events.
    'transforms.outbox.table.op.invalid.behavior': 'warn',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    ...(o.exactlyOnce ? { 'exactly.once.support': 'required', 'transaction.boundary': 'poll' } : {}),
  };
}
