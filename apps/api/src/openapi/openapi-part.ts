import type { Schema } from './schema-helpers';

export type { Schema };
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One operation of the document, written compactly; openapi.document.ts expands it (errors, security, bodies). */
export interface OpSpec {
  id: string;
  summary: string;
  tag: string;
  params?: Schema[];
  /** The request body's component schema (a REST_SCHEMAS entry of libs/contracts, or a hand-kept one). */
  body?: string;
  optionalBody?: boolean;
  /** A non-JSON body (media type → schema), e.g. a chunk upload's `application/octet-stream`. */
  rawBody?: Record<string, Schema>;
  /** Status → schema name (`text/event-stream`/`text/plain` for streams), or null for an empty body. */
  ok: Record<number, string | null>;
  /** Error statuses this operation answers besides 401, 429 and the catch-all. */
  errors?: number[];
  public?: boolean;
  idempotent?: boolean;
}

export type Operation = [Method, string, OpSpec];

/**
 * What one api feature adds to the document: its operations and the schemas only they use. A feature exports its
 * part as a constant; openapi.parts.ts lists every part, so nothing is added by importing a module.
 */
export interface OpenApiPart {
  operations: Operation[];
  schemas?: Record<string, Schema>;
}
