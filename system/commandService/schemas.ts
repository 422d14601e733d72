// JSON schemas of the command API: validated by Fastify (no type coercion on bodies) and published
// as the OpenAPI document. Field rules come from system/shared/fields.ts, the one definition that
// decide.ts also enforces, so the document states every constraint the service applies.
import { dateJsonSchema, nameJsonSchema } from '../shared/fields.ts';

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

const name = nameJsonSchema;

export const commandHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      pattern: '^[\\x21-\\x7e]{1,255}$',
      description: 'retries with the same key replay the first answer',
    },
    'x-correlation-id': { type: 'string', description: 'echoed; generated when absent or not 1..128 visible ASCII characters' },
    traceparent: { type: 'string', description: 'W3C trace context; stored on the event' },
  },
} as const;

const ifMatchHeader = {
  'if-match': {
    type: 'string',
    maxLength: 1024,
    description:
      'RFC 9110: "*" (the user must exist, else 412) or the ETag "<version>" expected (409 if the user is at another version); malformed: 400; weak tags, tags naming no version and several versions: 412',
  },
} as const;

export const userIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: UUID_PATTERN } },
} as const;

export const commandResponse = {
  type: 'object',
  required: ['id', 'version', 'eventId', 'correlationId'],
  properties: {
    id: { type: 'string' },
    version: { type: 'integer' },
    eventId: { type: 'string' },
    correlationId: { type: 'string' },
  },
} as const;

export const errorResponse = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  additionalProperties: true,
} as const;

const errors = {
  400: errorResponse,
  404: errorResponse,
  405: errorResponse,
  409: errorResponse,
  410: errorResponse,
  412: errorResponse,
  413: errorResponse,
  414: errorResponse,
  415: errorResponse,
  422: errorResponse,
  503: errorResponse,
};

export const registerSchema = {
  summary: 'Register a user',
  headers: commandHeaders,
  body: {
    type: 'object',
    required: ['name', 'dateRegister'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', pattern: UUID_PATTERN, description: 'optional client-chosen user id (UUID); generated (UUIDv7) otherwise' },
      name,
      dateRegister: dateJsonSchema,
    },
  },
  response: { 201: commandResponse, ...errors },
} as const;

export const renameSchema = {
  summary: 'Rename a user',
  headers: { ...commandHeaders, properties: { ...commandHeaders.properties, ...ifMatchHeader } },
  params: userIdParams,
  body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name } },
  response: { 200: commandResponse, ...errors },
} as const;

export const deleteSchema = {
  summary: 'Delete a user (soft: the stream is closed; further commands get 410)',
  headers: { ...commandHeaders, properties: { ...commandHeaders.properties, ...ifMatchHeader } },
  params: userIdParams,
  response: { 200: commandResponse, ...errors },
} as const;
