import { z } from 'zod';

/**
 * Reads and validates a service's configuration from the environment, once, at boot. This is the only place
 * in Skyport that reads `process.env` for service settings. A bad or missing variable ends the process with
 * one line per problem naming the variable, and exit code 2.
 */
export function loadConfig<S extends z.ZodObject<z.ZodRawShape>>(
  serviceName: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(withoutEmptySettings(env));
  if (result.success) return result.data;
  const byVariable = new Map<string, string>();
  for (const issue of result.error.issues) {
    const variable = issue.path.join('.') || '(environment)';
    if (byVariable.has(variable)) continue;
    const value = env[variable];
    const problem = value === undefined || value === '' ? 'is required' : `is invalid (${issue.message})`;
    byVariable.set(variable, `${serviceName}: configuration error: ${variable} ${problem}`);
  }
  throw new ConfigError([...byVariable.values()]);
}

/**
 * An empty `SKYPORT_*` variable is unset: docker-compose passes `${VAR:-}` for every setting the operator may leave
 * out, and an empty value must mean the default, not "invalid" (or an empty list, URL or path).
 */
export function withoutEmptySettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!(k.startsWith('SKYPORT_') && v === '')) out[k] = v;
  return out;
}

export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'ConfigError';
  }
}

const postgresUrl = z
  .string()
  .min(1)
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'expected postgres://user:password@host:port/database');
const redisUrl = z
  .string()
  .min(1)
  .refine((v) => /^rediss?:\/\//.test(v), 'expected redis://host:port');
const port = z.coerce.number().int().min(0).max(65535);

/** Settings every service shares. Services extend it with their own. */
export const baseConfigSchema = z.object({
  SKYPORT_DATABASE_URL: postgresUrl,
  SKYPORT_REDIS_URL: redisUrl,
  SKYPORT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Every server binds here; 127.0.0.1 unless a container needs 0.0.0.0. */
  SKYPORT_BIND_HOST: z.string().default('127.0.0.1'),
  /** Health and metrics HTTP port of a worker service (0: pick a free one). */
  SKYPORT_HEALTH_PORT: port.optional(),
  /**
   * How long a worker holds a queue job's lock without renewing it (BullMQ's lockDuration; the stalled check runs as
   * often; 30 s when unset). A worker that dies mid-job has its job taken up again after about this long.
   */
  SKYPORT_QUEUE_LOCK_SECONDS: z.coerce.number().int().min(5).max(600).optional(),
});

export const serviceAddresses = {
  SKYPORT_API_PORT: port.default(26580),
  SKYPORT_OPTIMIZER_GRPC: z.string().default('127.0.0.1:26581'),
  SKYPORT_PROVISIONER_GRPC: z.string().default('127.0.0.1:26582'),
  SKYPORT_LOGS_GRPC: z.string().default('127.0.0.1:26583'),
};

export type BaseConfig = z.infer<typeof baseConfigSchema>;
export { z };
