export * from './quote/shell-quote';
export * from './client/ssh-errors';
export * from './client/ssh-connection';
export * from './testing/test-sshd';
