import { QueueWorkers } from '@skyport/service-kit'; export const y = QueueWorkers;
