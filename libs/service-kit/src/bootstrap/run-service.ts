import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigError } from '../config/load-config';
import { GRPC_INSECURE_WARNING } from '../grpc/grpc-security';
import { routeGrpcLogs } from '../grpc/grpc-logging';
import { PortInUseError } from './port-in-use';
import { startHealthServer, type HealthCheck } from '../health/health-server';
import { createLogger, type Logger } from '../logging/logger';
import { PinoNestLogger } from '../logging/nest-logger';
import { REDIS_CONNECTION } from './tokens';
import type { Redis } from '../queue/redis-connection';

/** Reads config with `load`; on a ConfigError prints its lines and exits 2 (no stack trace). */
export function configOrExit<C>(load: () => C): C {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const line of error.lines) process.stderr.write(`${line}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Health checks every service has: its database and its Redis. */
export function standardHealthChecks(app: Pick<INestApplicationContext, 'get'>): Record<string, HealthCheck> {
  return {
    postgres: async () => {
      await app.get(DataSource, { strict: false }).query('SELECT 1');
    },
    redis: async () => {
      await app.get<Redis>(REDIS_CONNECTION, { strict: false }).ping();
    },
  };
}

export interface WorkerServiceOptions {
  name: string;
  module: DynamicModule | Type<unknown>;
  logger: Logger;
  bindHost: string;
  healthPort?: number;
}

/**
 * Boots a worker service: a Nest application context (no HTTP server of its own), a small health/metrics
 * server, and graceful shutdown on SIGTERM/SIGINT — Nest's shutdown hooks close BullMQ workers, which wait for
 * in-flight jobs, then the connections.
 */
export async function runWorkerService(options: WorkerServiceOptions): Promise<INestApplicationContext> {
  const { logger } = options;
  process.on('unhandledRejection', (reason) => logger.error({ err: String(reason) }, 'unhandled rejection'));
  const app = await NestFactory.createApplicationContext(options.module, { logger: new PinoNestLogger(logger) });
  app.enableShutdownHooks();
  if (options.healthPort !== undefined) {
    const { server, port } = await startHealthServer(options.bindHost, options.healthPort, standardHealthChecks(app));
    logger.info({ port }, 'health endpoint listening');
    process.once('SIGTERM', () => server.close());
    process.once('SIGINT', () => server.close());
  }
  logger.info('started');
  return app;
}

export { createLogger };

/**
 * The whole `main` of a worker service: validated config (exit 2 naming the variable when it is wrong), logger,
 * Nest context, health endpoint, graceful shutdown. A start failure is one line on stderr and exit 1.
 */
export function startWorkerService<C extends { SKYPORT_LOG_LEVEL: string; SKYPORT_BIND_HOST: string; SKYPORT_HEALTH_PORT?: number; SKYPORT_GRPC_INSECURE?: string }>(
  name: string,
  load: () => C,
  moduleFor: (config: C, logger: Logger) => DynamicModule,
): void {
  const config = configOrExit(load);
  const logger = createLogger(name, config.SKYPORT_LOG_LEVEL);
  warnIfGrpcInsecure(config, logger);
  routeGrpcLogs(logger);
  runWorkerService({ name, module: moduleFor(config, logger), logger, bindHost: config.SKYPORT_BIND_HOST, healthPort: config.SKYPORT_HEALTH_PORT }).catch(
    (error: unknown) => exitOnStartFailure(`skyport-${name}`, error),
  );
}

/** Logs the insecure-mode warning once at start when gRPC runs without mTLS. */
export function warnIfGrpcInsecure(config: { SKYPORT_GRPC_INSECURE?: string }, logger: Logger): void {
  if (config.SKYPORT_GRPC_INSECURE === '1') logger.warn(GRPC_INSECURE_WARNING);
}

/**
 * The end of a service that failed to start: one line on stderr, no stack trace. A port someone else holds or a
 * configuration problem found late (exit 2: the operator must change a setting) versus anything else (exit 1).
 */
export function exitOnStartFailure(service: string, error: unknown): never {
  if (error instanceof PortInUseError) {
    process.stderr.write(`${service}: cannot listen: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof ConfigError) {
    for (const line of error.lines) process.stderr.write(`${line}\n`);
    process.exit(2);
  }
  process.stderr.write(`${service}: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
