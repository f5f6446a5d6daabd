import { Module } from '@nestjs/common';
import { IdentityModule } from '../auth/identity.module';
import { PolicyModule } from '../policy/policy.module';
import { LaunchVolumes } from './launch-volumes';
import { volumesClientProvider } from './volumes-client.provider';
import { VolumesController } from './volumes.controller';
import { VolumesService } from './volumes.service';

/** Volumes (`/v1/volumes`, SkyPilot's `sky volumes`) and the launch's check of a task's `volumes:`. */
@Module({
  imports: [IdentityModule, PolicyModule],
  controllers: [VolumesController],
  providers: [VolumesService, volumesClientProvider, LaunchVolumes],
  exports: [LaunchVolumes],
})
export class VolumesModule {}
