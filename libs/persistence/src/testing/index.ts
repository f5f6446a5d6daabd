export * from './migrated-test-database';
