import { ConfigError, baseConfigSchema, grpcSecurity, grpcSecurityShape, loadConfig, serviceAddresses, z } from '@skyport/service-kit';
import { vmSshConfigShape, vmSshSettings } from '@skyport/ssh';

export const logsConfigSchema = baseConfigSchema.extend({
  SKYPORT_LOGS_GRPC: serviceAddresses.SKYPORT_LOGS_GRPC,
  /** mTLS between services: SKYPORT_GRPC_TLS_CA/CERT/KEY, or SKYPORT_GRPC_INSECURE=1 for local development. */
  ...grpcSecurityShape,
  KUBECONFIG: z.string().optional(),
  /** How often to look for jobs whose output is not fully stored. */
  SKYPORT_LOGS_SCAN_MS: z.coerce.number().int().positive().default(1_000),
  /** How often a tailed job's state is checked (in Postgres), and the first retry delay of a node's stream. */
  SKYPORT_LOGS_IDLE_MS: z.coerce.number().int().positive().default(500),
  /**
   * Most bytes of one node's output held in memory before they are stored (past it the node's stream is paused
   * and resumed from the stored offset), and the size of one catch-up read.
   */
  SKYPORT_LOGS_CHUNK_BYTES: z.coerce.number().int().min(4096).default(256 * 1024),
  /** Longest stored line in bytes; longer lines are cut with a marker. */
  SKYPORT_LOGS_LINE_CAP: z.coerce.number().int().min(80).default(16 * 1024),
  /**
   * Jobs tailed at once (more wait, oldest first, and a warning says so). A bound on what tailing may hold:
   * each node's stream holds at most SKYPORT_LOGS_CHUNK_BYTES (usually far less: bytes are stored as they come),
   * plus its exec connection. It was 64, which left the 65th running job unread; 1,024 covers a busy control
   * plane's running jobs (100 followed at once measured in docs/performance.md, figure 6).
   */
  SKYPORT_LOGS_MAX_JOBS: z.coerce.number().int().positive().default(1_024),
  /** Output of jobs on the VMs of clusters burst to a cloud is read over SSH. */
  ...vmSshConfigShape,
});

export type LogsConfig = z.infer<typeof logsConfigSchema>;

export function loadLogsConfig(env: NodeJS.ProcessEnv = process.env): LogsConfig {
  const config = loadConfig('skyport-logs', logsConfigSchema, env);
  grpcSecurity(config, 'skyport-logs'); // the TLS files are read and checked at boot
  vmSshSettings(config, 'skyport-logs', (line) => new ConfigError([line]));
  return config;
}
