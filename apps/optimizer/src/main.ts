import { startWorkerService } from '@skyport/service-kit';
import { loadOptimizerConfig } from './config';
import { OptimizerModule } from './optimizer.module';

startWorkerService('optimizer', () => loadOptimizerConfig(), (config, logger) => OptimizerModule.forRoot(config, logger));
