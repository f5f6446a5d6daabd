import { startWorkerService } from '@skyport/service-kit';
import { loadAutodownConfig } from './config';
import { AutodownModule } from './autodown.module';

startWorkerService('autodown', () => loadAutodownConfig(), (config, logger) => AutodownModule.forRoot(config, logger));
