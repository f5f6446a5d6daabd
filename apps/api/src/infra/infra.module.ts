import { Module } from '@nestjs/common';
import { ProvisionerClientModule } from '../provisioner/provisioner-client.module';
import { InfraController } from './infra.controller';
import { InfraService } from './infra.service';

/** What Skyport can launch on (`/v1/check`, `/v1/gpus`) and the server's `/v1/info`. */
@Module({ imports: [ProvisionerClientModule], controllers: [InfraController], providers: [InfraService] })
export class InfraModule {}
