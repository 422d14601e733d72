// Delivery modes: the configuration axes of the system under test. One definition, read by the
// system's processes (configuration) and by the harness (which configurations a scenario runs in).

export const PUBLISH_MODES = ['outbox', 'dual-write'] as const;
export type PublishMode = (typeof PUBLISH_MODES)[number];

export const CONSUME_MODES = ['effectively-once', 'at-least-once', 'at-most-once'] as const;
export type ConsumeMode = (typeof CONSUME_MODES)[number];

export interface Configuration {
  publish: PublishMode;
  consume: ConsumeMode;
}

export const isPublishMode = (s: string): s is PublishMode => (PUBLISH_MODES as readonly string[]).includes(s);
export const isConsumeMode = (s: string): s is ConsumeMode => (CONSUME_MODES as readonly string[]).includes(s);

export const configurationLabel = (c: Configuration): string => `${c.publish}+${c.consume}`;
