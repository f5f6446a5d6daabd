export * from './client/ssh-errors';
export * from './client/ssh-connection';
export * from './vm/vm-ssh.config';
export * from './vm/vm-address';
export * from './vm/vm-ssh-access';
