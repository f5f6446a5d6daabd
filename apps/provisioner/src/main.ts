import { startWorkerService } from '@skyport/service-kit';
import { loadProvisionerConfig } from './config';
import { ProvisionerModule } from './provisioner.module';

startWorkerService('provisioner', () => loadProvisionerConfig(), (config, logger) => ProvisionerModule.forRoot(config, logger));
