import assert from 'node:assert/strict';
import type { z } from 'zod';
import { SkyportError } from '../errors/error-codes';
import { readRestBody } from './rest-body';

/** For the body schemas' specs: the message a refused body is answered with (fails when it is accepted). */
export function refusal(schema: z.ZodType, raw: unknown): string {
  try {
    readRestBody(schema, raw);
  } catch (error) {
    assert.ok(error instanceof SkyportError);
    return error.userMessage;
  }
  assert.fail('accepted');
}
