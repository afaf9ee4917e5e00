import { ResolutionBody } from './complaint/commands';
import { toJsonSchema } from './json-schema';

describe('toJsonSchema', () => {
  it('describes a command body, nested codecs included', () => {
    expect(toJsonSchema(ResolutionBody)).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['summary', 'remedies'],
      properties: {
        summary: { type: 'string', minLength: 1, maxLength: 4000 },
        remedies: {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['type'],
            properties: {
              type: { type: 'string', enum: ['apology', 'explanation', 'refund', 'compensation', 'coupon', 'exchange', 'repair', 'correction'] },
              amount: { type: 'number', minimum: 0, maximum: 1e12, multipleOf: 0.01 },
              currency: { type: 'string', pattern: '^[A-Z]{3}$' },
              note: { type: 'string', minLength: 1, maxLength: 4000 },
            },
          },
        },
      },
    });
  });
});
