import { z } from '@skyport/service-kit';

const days = z.coerce.number().min(0);

/** How long history is kept (days; 0 keeps it forever). One api replica at a time deletes what is older. */
export const retentionConfigShape = {
  SKYPORT_RETENTION_AUDIT_DAYS: days.default(90),
  SKYPORT_RETENTION_EVENTS_DAYS: days.default(30),
  /** Finished requests (succeeded, failed, cancelled) whose cluster is no longer live. */
  SKYPORT_RETENTION_REQUESTS_DAYS: days.default(30),
  /** How often the retention sweep runs. */
  SKYPORT_RETENTION_INTERVAL_MINUTES: z.coerce.number().positive().default(60),
  /** Rows deleted per statement, so a sweep never holds long locks. */
  SKYPORT_RETENTION_BATCH: z.coerce.number().int().positive().default(1000),
};
