export * from './cluster-name';
export * from './launch.dto';
export * from './views.dto';
export * from './platform.dto';
export * from './blob.dto';
export * from './volume.dto';
export * from './storage.dto';
export * from './managed-job.dto';
