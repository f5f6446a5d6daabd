/** Test fixtures of @skyport/cloud-aws: import them from `@skyport/cloud-aws/testing` (test code only; production code cannot). */
export * from './moto';
