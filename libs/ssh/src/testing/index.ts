/** Test fixtures of @skyport/ssh: import them from `@skyport/ssh/testing` (test code only; production code cannot). */
export * from './test-sshd';
