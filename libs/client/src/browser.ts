/*
 * The browser entry of the one typed client (the web dashboard bundles this file): the same SkyportClient as the
 * CLI's, without the ssh helpers, whose WebSocket and terminal code only run under Node. A bundler maps `ws` and
 * `node:crypto` to browser stand-ins (the client's shell and idempotency-key code paths).
 */
export { SkyportClient, errorFromBody } from './skyport-client';
export { readSse } from './sse/sse-parser';
export type { SseMessage } from './sse/sse-parser';
export type * from './client.types';
