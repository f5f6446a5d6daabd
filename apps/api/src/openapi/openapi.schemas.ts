import { page, list, type Schema } from './schema-helpers';

/**
 * The list answers not yet declared with zod in libs/contracts (every other component is generated from
 * REST_SCHEMAS, see openapi.document.ts); each names the generated component of its items.
 */
export const SCHEMAS: Record<string, Schema> = {
  UserList: list('UserView'),
  TeamList: list('TeamView'),
  TokenList: list('TokenView'),
  AuditPage: page('AuditView'),
  QueueList: list('QueueEntryView'),
  WebhookList: list('WebhookView'),
  DeliveryPage: page('DeliveryView'),
};
