export * from './metrics/registry';
export * from './metrics/skyport-metrics';
export * from './tracing/tracing';
export * from './tracing/trace-context';
