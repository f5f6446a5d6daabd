export * from './states';
export * from './managed-job-states';
