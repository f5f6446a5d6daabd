import { startWorkerService } from '@skyport/service-kit';
import { loadLogsConfig } from './config';
import { LogsModule } from './logs.module';

startWorkerService('logs', () => loadLogsConfig(), (config, logger) => LogsModule.forRoot(config, logger));
