export * from './entities';
export * from './data-source';
export * from './events/record-event';
export * from './nest/persistence.module';
export * from './events/cluster-activity';
export * from './queues/capacity-wait-position';
export * from './secrets/secret-box';
export * from './secrets/request-secrets';
