import * as t from 'io-ts';
import { schemaOf, type JsonSchema } from './codecs';

/**
 * JSON Schema of a codec built from codecs.ts: the schema each combinator
 * recorded, with nested codecs replaced by their own schemas. The one source
 * for OpenAPI and the event catalogue.
 */
export const toJsonSchema = (codec: t.Mixed): JsonSchema => {
  const recorded = schemaOf(codec);
  if (!recorded) throw new Error(`codec ${codec.name} has no JSON Schema: build it from codecs.ts`);
  const resolve = (value: unknown): unknown => (value instanceof t.Type ? toJsonSchema(value) : value);
  const schema: Record<string, unknown> = { ...recorded };
  if (recorded.items) schema.items = resolve(recorded.items);
  if (recorded.properties) {
    schema.properties = Object.fromEntries(Object.entries(recorded.properties as Record<string, unknown>).map(([key, value]) => [key, resolve(value)]));
  }
  return schema;
};
