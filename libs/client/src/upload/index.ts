export * from './pack-tree';
export * from './ignore-rules';
export * from './upload-task-files';
