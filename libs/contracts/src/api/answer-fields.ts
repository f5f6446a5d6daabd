import { z } from 'zod';

/**
 * Fields of the api's answers whose format the OpenAPI document names without a pattern: the api writes them
 * (toISOString, randomUUID), so a client's type stays `string` and the document says what it holds.
 */
export const isoTime = () => z.string().meta({ format: 'date-time' });
export const uuidText = () => z.string().meta({ format: 'uuid' });
