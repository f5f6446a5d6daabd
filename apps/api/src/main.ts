import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { configOrExit, createLogger, PinoNestLogger } from '@skyport/service-kit';
import { ApiModule } from './app.module';
import { loadApiConfig } from './config';

async function main(): Promise<void> {
  const config = configOrExit(() => loadApiConfig());
  const logger = createLogger('api', config.SKYPORT_LOG_LEVEL);
  const app = await NestFactory.create(ApiModule.forRoot(config, logger), { bodyParser: false, logger: new PinoNestLogger(logger) });
  app.enableShutdownHooks();
  await app.listen(config.SKYPORT_API_PORT, config.SKYPORT_BIND_HOST);
  logger.info({ host: config.SKYPORT_BIND_HOST, port: config.SKYPORT_API_PORT }, 'api listening');
}

main().catch((error: unknown) => {
  process.stderr.write(`skyport-api: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
