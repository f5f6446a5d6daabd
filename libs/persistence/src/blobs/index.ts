export * from './blob-content.store';
export * from './blob-reader';
