import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { asPortInUse, configOrExit, createLogger, exitOnStartFailure, PinoNestLogger, routeGrpcLogs, warnIfGrpcInsecure } from '@skyport/service-kit';
import { ApiModule } from './app.module';
import { loadApiConfig } from './config';

async function main(): Promise<void> {
  const config = configOrExit(() => loadApiConfig());
  const logger = createLogger('api', config.SKYPORT_LOG_LEVEL);
  warnIfGrpcInsecure(config, logger);
  routeGrpcLogs(logger);
  const app = await NestFactory.create(ApiModule.forRoot(config, logger), { bodyParser: false, logger: new PinoNestLogger(logger) });
  app.enableShutdownHooks();
  try {
    await app.listen(config.SKYPORT_API_PORT, config.SKYPORT_BIND_HOST);
  } catch (error) {
    throw asPortInUse(error, config.SKYPORT_BIND_HOST, config.SKYPORT_API_PORT, 'SKYPORT_API_PORT');
  }
  logger.info({ host: config.SKYPORT_BIND_HOST, port: config.SKYPORT_API_PORT }, 'api listening');
}

main().catch((error: unknown) => exitOnStartFailure('skyport-api', error));
