import { SshGateway } from './ssh.gateway';

/** `GET /v1/clusters/:name/ssh` (WebSocket), registered in the api module as one feature. */
export const SSH_FEATURE = { controllers: [], providers: [SshGateway] };
