import { Module } from '@nestjs/common';
import { IdentityModule } from '../auth/identity.module';
import { SshGateway } from './ssh.gateway';

/** `GET /v1/clusters/:name/ssh` (a WebSocket upgrade, so a gateway on the HTTP server, not a controller). */
@Module({ imports: [IdentityModule], providers: [SshGateway] })
export class SshModule {}
