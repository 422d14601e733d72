// Delivery modes: the configuration axes of the system under test. One definition, read by the
// system's processes (configuration) and by the harness (which configurations a scenario runs in).

/**
 * Who publishes the events: the relay polling the outbox (`outbox`), the command service from the
 * request path (`dual-write`), or Debezium on Kafka Connect streaming the outbox from the binary
 * log (`cdc`; `cdc-eos` with Kafka Connect's exactly-once source support).
 */
export const PUBLISH_MODES = ['outbox', 'dual-write', 'cdc', 'cdc-eos'] as const;
export type PublishMode = (typeof PUBLISH_MODES)[number];

/** What the command service itself does: write outbox rows (whoever publishes them) or publish. */
export const COMMAND_PUBLISH_MODES = ['outbox', 'dual-write'] as const;
export type CommandPublishMode = (typeof COMMAND_PUBLISH_MODES)[number];
export const commandPublishMode = (p: PublishMode): CommandPublishMode => (p === 'dual-write' ? 'dual-write' : 'outbox');
export const isCdc = (p: PublishMode): boolean => p === 'cdc' || p === 'cdc-eos';

export const CONSUME_MODES = ['effectively-once', 'at-least-once', 'at-most-once'] as const;
export type ConsumeMode = (typeof CONSUME_MODES)[number];

export interface Configuration {
  publish: PublishMode;
  consume: ConsumeMode;
}

export const isPublishMode = (s: string): s is PublishMode => (PUBLISH_MODES as readonly string[]).includes(s);
export const isConsumeMode = (s: string): s is ConsumeMode => (CONSUME_MODES as readonly string[]).includes(s);

export const configurationLabel = (c: Configuration): string => `${c.publish}+${c.consume}`;
