import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/** Keys that could reach an object's prototype if a body were ever merged naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const invalid = (message: string) => new BadRequestException({ code: 'INVALID_JSON', message });

/**
 * Replaces Fastify's JSON parser so a malformed body gets a stable code
 * (Nest would otherwise re-wrap Fastify's error and lose it).
 */
export const registerJsonBodyParser = (fastify: FastifyInstance, bodyLimit: number): void => {
  fastify.removeContentTypeParser(['application/json']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    if (body === '') return done(invalid('the request body is empty; send a JSON document'), undefined);
    try {
      done(
        null,
        JSON.parse(body as string, (key, value: unknown) => {
          if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(`the key "${key}" is not allowed`);
          return value;
        }),
      );
    } catch (error) {
      done(invalid(`the request body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });
};
