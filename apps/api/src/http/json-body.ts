import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/** Keys that could reach an object's prototype if a body were ever merged naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/**
 * Text that could hold a forbidden key: one spelled out, or one hidden in a
 * \u escape (the only JSON escape that makes letters). A body without either
 * is parsed without the key-checking reviver, which made JSON.parse several
 * times slower.
 */
const MAY_HOLD_FORBIDDEN_KEY = /__proto__|constructor|prototype|\\u/;

const parse = (body: string): unknown =>
  MAY_HOLD_FORBIDDEN_KEY.test(body)
    ? JSON.parse(body, (key, value: unknown) => {
        if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(`the key "${key}" is not allowed`);
        return value;
      })
    : JSON.parse(body);

const invalid = (message: string) => new BadRequestException({ code: 'INVALID_JSON', message });

/** No request body nests deeper; a deeper one is refused before it is parsed (the key check below recurses). */
export const MAX_JSON_DEPTH = 32;

/** Whether the JSON text opens more than `limit` objects or arrays inside one another (strings skipped). */
const nestsDeeperThan = (text: string, limit: number): boolean => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
};

/**
 * Replaces Fastify's JSON parser so a malformed body gets a stable code
 * (Nest would otherwise re-wrap Fastify's error and lose it).
 */
export const registerJsonBodyParser = (fastify: FastifyInstance, bodyLimit: number): void => {
  fastify.removeContentTypeParser(['application/json']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    if (body === '') return done(invalid('the request body is empty; send a JSON document'), undefined);
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      return done(new BadRequestException({ code: 'JSON_TOO_DEEP', message: `the request body nests objects and arrays more than ${MAX_JSON_DEPTH} deep` }), undefined);
    }
    try {
      done(null, parse(body as string));
    } catch (error) {
      done(invalid(`the request body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });
};
