import type * as t from 'io-ts';
import { WeightingPolicyEventCodecs } from './appraisal/contracts';
import { toJsonSchema } from './json-schema';
import { ComplaintEventCodecs } from './complaint/events';
import { ComplainantEventCodecs } from './complainant/contracts';
import { RectificationEventCodecs } from './rectification/contracts';
import { SlaPolicyEventCodecs } from './sla/contracts';

type Data = Record<string, unknown>;

/** One event type as published: its current schema version, its data codec, what it means, and how older versions read as the current one. */
export interface EventTypeEntry {
  readonly version: number;
  readonly data: t.Mixed;
  readonly description: string;
  /** `upcasters[n]` turns version n's data into version n + 1's. */
  readonly upcasters?: Readonly<Record<number, (data: Data) => Data>>;
}

/** Every event type, by the stream it lives in (`complaint-<id>`, `rectification-<id>`, `complainant-<id>`, `policy-sla`, `policy-weighting`). */
export const EVENT_CATALOGUE: Readonly<Record<string, Readonly<Record<string, EventTypeEntry>>>> = {
  complaint: ComplaintEventCodecs,
  rectification: RectificationEventCodecs,
  complainant: ComplainantEventCodecs,
  'policy-sla': SlaPolicyEventCodecs,
  'policy-weighting': WeightingPolicyEventCodecs,
};

const BY_TYPE: ReadonlyMap<string, EventTypeEntry> = new Map(Object.values(EVENT_CATALOGUE).flatMap((types) => Object.entries(types)));
export const eventTypeEntry = (type: string): EventTypeEntry | undefined => BY_TYPE.get(type);
export const EVENT_TYPES: readonly string[] = [...BY_TYPE.keys()];

/**
 * An event's data as its type's current version, from the version it was
 * stored in (metadata.schemaVersion; 1 when absent). Types outside the
 * catalogue pass through unchanged.
 */
export const upcast = (type: string, storedVersion: number, data: Data): { readonly data: Data; readonly version: number } => {
  const entry = BY_TYPE.get(type);
  if (!entry) return { data, version: storedVersion };
  let current = data;
  for (let version = storedVersion; version < entry.version; version += 1) {
    const step = entry.upcasters?.[version];
    if (!step) throw new Error(`no upcaster for ${type} from version ${version}`);
    current = step(current);
  }
  return { data: current, version: Math.max(storedVersion, entry.version) };
};

type Schema = { readonly [key: string]: unknown };

/** Realistic strings for the fields that have them; others say what they hold. */
const SAMPLE_TEXT: Readonly<Record<string, string>> = {
  subject: 'Parcel arrived damaged',
  content: 'The box was soaked and the vase inside broken.',
  name: 'Li Wei',
  contact: '+86 138 0000 0000',
  complainantId: 'cust-1024',
  department: 'delivery',
  assignee: 'h-17',
  previousAssignee: 'h-03',
  proposedBy: 'h-17',
  language: 'zh-CN',
  product: 'express',
  region: 'east',
  externalRef: 'CRM-2026-000123',
};

/** An example of a schema's value, valid for the codec it came from (a test decodes every one). */
export const exampleOf = (schema: Schema, field = 'value'): unknown => {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      if (schema.format === 'date-time') return '2026-11-25T09:30:00.000Z';
      if (schema.format === 'uuid') return '01935f1c-7c4e-7b1a-9f3e-2d4c6b8a1e05';
      if (schema.format === 'date') return '2026-12-01';
      if (schema.pattern === '^[A-Z]{3}$') return 'CNY';
      return (SAMPLE_TEXT[field] ?? `${field} text`).slice(0, Number(schema.maxLength ?? 1000));
    case 'integer':
      return schema.minimum ?? 1;
    case 'number':
      return schema.multipleOf === 0.01 ? 120.5 : 1;
    case 'boolean':
      // A named complainant, as most are.
      return field !== 'anonymous';
    case 'array':
      return Number(schema.maxItems ?? 1) === 0 ? [] : [exampleOf(schema.items as Schema, field)];
    case 'object':
      return Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([key, property]) => [key, exampleOf(property, key)]));
    default:
      return null;
  }
};

/** One event type as the catalogue publishes it (GET /events/catalogue, docs/events.md). */
export interface PublishedEventType {
  readonly type: string;
  /** The stream it is written to: `complaint-<id>`, `rectification-<id>`, `complainant-<id>`, `policy-sla`, `policy-weighting`. */
  readonly stream: string;
  readonly version: number;
  /** Versions still found in the log, served upcast to `version` unless raw is asked for. */
  readonly olderVersions: readonly number[];
  readonly description: string;
  readonly schema: Schema;
  readonly example: unknown;
}

const STREAM_NAMES: Readonly<Record<string, string>> = {
  complaint: 'complaint-<complaintId>',
  rectification: 'rectification-<rectificationId>',
  complainant: 'complainant-<complainantId>',
};

export const publishedCatalogue = (): PublishedEventType[] =>
  Object.entries(EVENT_CATALOGUE).flatMap(([stream, types]) =>
    Object.entries(types).map(([type, entry]) => {
      const schema = toJsonSchema(entry.data);
      return {
        type,
        stream: STREAM_NAMES[stream] ?? stream,
        version: entry.version,
        olderVersions: Array.from({ length: entry.version - 1 }, (_, i) => i + 1),
        description: entry.description,
        schema,
        example: exampleOf(schema),
      };
    }),
  );

const typeOf = (schema: Schema): string => {
  if (Array.isArray(schema.enum)) return (schema.enum as string[]).map((value) => `\`${value}\``).join(' \\| ');
  if (schema.type === 'array') return `array of ${typeOf(schema.items as Schema)}`;
  const bounds = [
    schema.format,
    schema.maxLength !== undefined ? `≤ ${String(schema.maxLength)} chars` : undefined,
    schema.minimum !== undefined ? `${String(schema.minimum)}–${String(schema.maximum)}` : undefined,
    schema.pattern !== undefined ? `\`${String(schema.pattern)}\`` : undefined,
  ].filter((part) => part !== undefined);
  return `${String(schema.type)}${bounds.length > 0 ? ` (${bounds.join(', ')})` : ''}`;
};

/** Every field of a schema, nested ones by their dotted path (`[]` for an array's items). */
const fields = (schema: Schema, prefix = ''): Array<{ path: string; type: string; required: boolean }> => {
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries((schema.properties ?? {}) as Record<string, Schema>).flatMap(([key, property]) => {
    const path = `${prefix}${key}`;
    const inner = property.type === 'array' ? (property.items as Schema) : property;
    const nested = inner.type === 'object' ? fields(inner, `${path}${property.type === 'array' ? '[]' : ''}.`) : [];
    return [{ path, type: inner.type === 'object' ? (property.type === 'array' ? 'array of objects' : 'object') : typeOf(property), required: required.has(key) }, ...nested];
  });
};

/** The catalogue as Markdown: docs/events.md (`npm run catalogue`; a test fails when the committed file is stale). */
export const renderCatalogue = (types: readonly PublishedEventType[]): string => {
  const lines = [
    '# Redress event catalogue',
    '',
    'Generated from the io-ts codecs by `npm run catalogue`; do not edit. The same is served as JSON by `GET /events/catalogue`.',
    '',
    'Every event has `id`, `streamName`, `revision`, `position`, `type`, `recordedAt`, `data` and `metadata`',
    '(`actor {user, role}`, `occurredAt`, `correlationId`, `causationId`, `schemaVersion`, `prevHash`, `hash`).',
    'Events stored in an older schema version are served upcast to the current one; `?raw=true` on `GET /events` gives them in their stored version (personal data opened or `[erased]` either way).',
    '',
  ];
  let stream = '';
  for (const entry of types) {
    if (entry.stream !== stream) {
      stream = entry.stream;
      lines.push(`## Stream \`${stream}\``, '');
    }
    lines.push(`### ${entry.type} (version ${entry.version})`, '', entry.description, '');
    if (entry.olderVersions.length > 0) lines.push(`Older versions in the log: ${entry.olderVersions.join(', ')} — served upcast to version ${entry.version}.`, '');
    lines.push('| field | type | required |', '| --- | --- | --- |');
    for (const field of fields(entry.schema)) lines.push(`| \`${field.path}\` | ${field.type} | ${field.required ? 'yes' : 'no'} |`);
    lines.push('', '```json', JSON.stringify(entry.example, null, 2), '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
};
