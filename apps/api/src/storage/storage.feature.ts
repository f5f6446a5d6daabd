import { StorageController } from './storage.controller';
import { StorageService } from './storage.service';
import { LaunchBuckets } from './launch-buckets';

/** Named storage buckets (`/v1/storage`, SkyPilot's `sky storage ls|delete`). */
export const STORAGE_FEATURE = { controllers: [StorageController], providers: [StorageService, LaunchBuckets] };
