export { SkyportClient, errorFromBody } from './skyport-client';
export { readSse } from './sse/sse-parser';
export type { SseMessage } from './sse/sse-parser';
export * from './client.types';
export * from './ssh-client';
export * from './upload';
