import { z } from 'zod';
import { AuditViewSchema, TeamViewSchema, TokenViewSchema, UserViewSchema } from './identity.dto';
import { ManagedJobViewSchema } from './managed-job.dto';
import { QueueEntryViewSchema } from './quota.dto';
import { StorageViewSchema } from './storage.dto';
import { pageSchema } from './views.dto';
import { VolumeViewSchema } from './volume.dto';
import { DeliveryViewSchema, WebhookViewSchema } from './webhook.dto';

/** An answer that is every `item` the caller may see, at once (no paging: these lists stay small). */
export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}

/*
 * The list and page answers of the REST api: the controllers return these types, the client reads them and the
 * OpenAPI document generates their components (REST_SCHEMAS), so the three cannot drift.
 */
export const UserListSchema = listSchema(UserViewSchema);
export type UserList = z.infer<typeof UserListSchema>;
export const TeamListSchema = listSchema(TeamViewSchema);
export type TeamList = z.infer<typeof TeamListSchema>;
export const TokenListSchema = listSchema(TokenViewSchema);
export type TokenList = z.infer<typeof TokenListSchema>;
export const AuditPageSchema = pageSchema(AuditViewSchema);
export type AuditPage = z.infer<typeof AuditPageSchema>;
export const QueueListSchema = listSchema(QueueEntryViewSchema);
export type QueueList = z.infer<typeof QueueListSchema>;
export const WebhookListSchema = listSchema(WebhookViewSchema);
export type WebhookList = z.infer<typeof WebhookListSchema>;
export const DeliveryPageSchema = pageSchema(DeliveryViewSchema);
export type DeliveryPage = z.infer<typeof DeliveryPageSchema>;
export const StorageListSchema = listSchema(StorageViewSchema);
export type StorageList = z.infer<typeof StorageListSchema>;
export const ManagedJobListSchema = listSchema(ManagedJobViewSchema);
export type ManagedJobList = z.infer<typeof ManagedJobListSchema>;
export const VolumeListSchema = listSchema(VolumeViewSchema);
export type VolumeList = z.infer<typeof VolumeListSchema>;
