import { ConfigError, baseConfigSchema, grpcSecurity, grpcSecurityShape, loadConfig, serviceAddresses, z } from '@skyport/service-kit';
import { vmSshConfigShape, vmSshSettings } from '@skyport/ssh';
import { externalBucketsConfigShape } from '@skyport/config';
import { secretsKeyProblem } from '@skyport/persistence';
import { webhookConfigShape } from './webhooks/webhooks.config';
import { rateLimitConfigShape } from './http/rate-limit.config';
import { retentionConfigShape } from './audit/retention.config';

const onOff = z.enum(['on', 'off']);

export const apiConfigSchema = baseConfigSchema.extend({
  SKYPORT_API_PORT: serviceAddresses.SKYPORT_API_PORT,
  SKYPORT_OPTIMIZER_GRPC: serviceAddresses.SKYPORT_OPTIMIZER_GRPC,
  SKYPORT_PROVISIONER_GRPC: serviceAddresses.SKYPORT_PROVISIONER_GRPC,
  SKYPORT_LOGS_GRPC: serviceAddresses.SKYPORT_LOGS_GRPC,
  /** mTLS between services: SKYPORT_GRPC_TLS_CA/CERT/KEY, or SKYPORT_GRPC_INSECURE=1 for local development. */
  ...grpcSecurityShape,
  /** Largest request body accepted, in bytes. */
  SKYPORT_API_BODY_LIMIT: z.coerce.number().int().positive().default(1024 * 1024),
  /** Publish outbox rows to BullMQ from this process (off only in tests that simulate a crash). */
  SKYPORT_OUTBOX_RELAY: onOff.default('on'),
  /** Bearer-token auth. `off` makes every caller an admin: for a throw-away local api only. */
  SKYPORT_API_AUTH: onOff.default('on'),
  /**
   * The bootstrap admin's token, when the operator (or a test) wants to choose it. Otherwise, at first start, the
   * token in SKYPORT_BOOTSTRAP_TOKEN_FILE when that file exists (e.g. a mounted Kubernetes Secret), else a new one
   * written there (printed once only if it cannot be written).
   */
  SKYPORT_BOOTSTRAP_TOKEN: z.string().min(20).optional(),
  SKYPORT_BOOTSTRAP_TOKEN_FILE: z.string().default('.skyport/admin-token'),
  /** Requests per token (or per address without one) in each rate-limit window. */
  SKYPORT_API_RATE_LIMIT: z.coerce.number().int().positive().default(1200),
  SKYPORT_API_RATE_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  /** How often queued launches are re-checked against their team's quota (also on every cluster event). */
  SKYPORT_QUEUE_ADMIT_INTERVAL_MS: z.coerce.number().int().positive().default(2_000),
  SKYPORT_WEBHOOKS: onOff.default('on'),
  SKYPORT_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().positive().default(8),
  /** First retry delay; doubles per try. */
  SKYPORT_WEBHOOK_BACKOFF_MS: z.coerce.number().int().positive().default(1_000),
  SKYPORT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** Uploaded task files (workdir, file_mounts): largest chunk one PUT /v1/blobs/{sha256} accepts. */
  SKYPORT_BLOB_CHUNK_MAX_BYTES: z.coerce.number().int().positive().default(8 * 1024 * 1024),
  /** Largest total of uploaded file sizes one launch or exec may name (every mount together). */
  SKYPORT_UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(512 * 1024 * 1024),
  /** Buckets Skyport did not create that teams may mount (SKYPORT_S3_EXTERNAL_BUCKETS; the provisioner reads the same). */
  ...externalBucketsConfigShape,
  /** How often one api replica deletes uploads no cluster or request refers to. */
  SKYPORT_BLOB_GC_INTERVAL_SECONDS: z.coerce.number().int().positive().default(300),
  /** Uploads younger than this are kept even when unreferenced (an upload in progress, a launch about to be sent). */
  SKYPORT_BLOB_GC_GRACE_SECONDS: z.coerce.number().int().nonnegative().default(3600),
  /** How often the leading api replica checks every unfinished managed job (and at once after a submit or cancel). */
  SKYPORT_MANAGED_JOBS_SECONDS: z.coerce.number().positive().default(3),
  /** `skyport ssh` to the VMs of clusters burst to a cloud. */
  ...vmSshConfigShape,
  ...webhookConfigShape,
  ...rateLimitConfigShape,
  ...retentionConfigShape,
  /** Base64 of 32 random bytes: task secrets are sealed with it (AES-256-GCM). Required when NODE_ENV=production. */
  SKYPORT_SECRETS_KEY: z.string().optional(),
});

export type ApiConfig = z.infer<typeof apiConfigSchema>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const config = loadConfig('skyport-api', apiConfigSchema, env);
  grpcSecurity(config, 'skyport-api'); // the TLS files are read and checked at boot
  vmSshSettings(config, 'skyport-api', (line) => new ConfigError([line]));
  const keyProblem = secretsKeyProblem(config.SKYPORT_SECRETS_KEY, env.NODE_ENV);
  if (keyProblem) throw new ConfigError([`skyport-api: ${keyProblem}`]);
  return config;
}
