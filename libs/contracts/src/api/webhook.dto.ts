import { z } from 'zod';
import { isoTime, uuidText } from './answer-fields';

/** `/v1/webhooks`: the body that registers one and the answers, declared as in launch.dto.ts. */

const EVENT_TYPES_MESSAGE = '"eventTypes" must be a list of event type prefixes such as "cluster." or "job.failed" (at most 50), not {value}';
const URL_MESSAGE = '"url" must be an absolute http(s) URL of at most 2000 characters, not {value}';

/** `POST /v1/webhooks`. The URL's scheme, credentials and destination are checked by the api after this. */
export const WebhookCreateSchema = z.strictObject(
  {
    url: z.string({ error: URL_MESSAGE }).min(1, { error: URL_MESSAGE }).max(2000, { error: URL_MESSAGE }).meta({ format: 'uri' }),
    /** Prefixes of the event types to send (`cluster.`, `job.failed`); none: every event of the team. */
    eventTypes: z
      .array(z.string({ error: EVENT_TYPES_MESSAGE }).regex(/^[a-z_.]{1,100}$/, { error: EVENT_TYPES_MESSAGE }), { error: EVENT_TYPES_MESSAGE })
      .max(50, { error: EVENT_TYPES_MESSAGE })
      .nullish(),
    /** Admins: the team whose events are sent (null: every team's). */
    team: z.string({ error: '"team" must be a team name, or null for every team, not {value}' }).nullish(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field(s): ${issue.keys.join(', ')}; a webhook has url, eventTypes and (admins) team`
        : 'the request body must be {"url": "...", "eventTypes": [...]}',
  },
);
export type WebhookCreate = z.infer<typeof WebhookCreateSchema>;
export type WebhookCreateInput = z.input<typeof WebhookCreateSchema>;

export const WebhookViewSchema = z.object({
  id: uuidText(),
  team: z.string().nullable(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  createdAt: isoTime(),
  disabled: z.boolean(),
});
export type WebhookView = z.infer<typeof WebhookViewSchema>;

/** The answer to creating a webhook: the only time its signing secret is shown. */
export const WebhookCreatedSchema = WebhookViewSchema.extend({
  secret: z.string().meta({ description: 'HMAC-SHA256 key for X-Skyport-Signature (t=<unix>,v1=<hex of HMAC("<t>.<body>")>). Shown once.' }),
});
export type WebhookCreated = z.infer<typeof WebhookCreatedSchema>;

export const DeliveryViewSchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: isoTime().nullable(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: isoTime(),
  deliveredAt: isoTime().nullable(),
  /** `ms` only when the receiver answered (a time would tell a closed port from a silent one). */
  log: z.array(
    z.object({
      at: isoTime(),
      status: z.number().int().optional(),
      error: z.string().optional(),
      ms: z.number().int().optional().meta({ description: 'Time to the answer; absent when none came back.' }),
    }),
  ),
});
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;
