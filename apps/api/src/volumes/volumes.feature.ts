import { VolumesController } from './volumes.controller';
import { VolumesService } from './volumes.service';
import { volumesClientProvider } from './volumes-client.provider';
import { LaunchVolumes } from './launch-volumes';

/** Volumes (`/v1/volumes`, SkyPilot's `sky volumes`) and the launch check of a task's `volumes:`. */
export const VOLUMES_FEATURE = { controllers: [VolumesController], providers: [VolumesService, volumesClientProvider, LaunchVolumes] };
