import { z } from '@skyport/service-kit';
import { parseAllowList } from './webhook-allow-list';

/** Webhook settings an admin controls (server configuration, never a user's request). */
export const webhookConfigShape = {
  /**
   * Internal receivers webhooks may reach although their address is not public: comma-separated `host:port`
   * or CIDR entries (e.g. `hooks.internal:8443,10.20.0.0/16`). Empty: public addresses only.
   */
  SKYPORT_WEBHOOK_ALLOW: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        parseAllowList(v);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  /** Active webhooks per team (admins' team-less webhooks count as one more team). */
  SKYPORT_WEBHOOKS_PER_TEAM: z.coerce.number().int().positive().default(20),
};
