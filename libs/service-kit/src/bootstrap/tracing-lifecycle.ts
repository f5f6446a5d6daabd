import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { startTracing, stopTracing, tracingSettingsFromEnv } from '@skyport/telemetry';
import type { Logger } from '../logging/logger';

/** Turns tracing on for the service when OTLP is configured (see libs/telemetry), and flushes it on shutdown. */
export function startServiceTracing(serviceName: string, logger: Logger): void {
  const settings = tracingSettingsFromEnv(serviceName);
  if (startTracing(settings)) logger.info({ endpoint: settings.endpoint, serviceName: settings.serviceName }, 'tracing: spans go to the OTLP endpoint');
}

@Injectable()
export class TracingLifecycle implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}
