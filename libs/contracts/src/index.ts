export * from './queues';
export * from './states';
export * from './errors';
export * from './api';
export * as OptimizerRpc from './generated/optimizer';
export * as LogsRpc from './generated/logs';
export * as ProvisionerRpc from './generated/provisioner';
export * from './jobs/node-files';
export * from './ssh/ssh-protocol';
