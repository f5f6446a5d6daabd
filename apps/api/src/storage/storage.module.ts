import { Module } from '@nestjs/common';
import { LaunchBuckets } from './launch-buckets';
import { StorageController } from './storage.controller';
import { StorageService } from './storage.service';

/** Named storage buckets (`/v1/storage`, SkyPilot's `sky storage ls|delete`) and the launch's check of a task's buckets. */
@Module({ controllers: [StorageController], providers: [StorageService, LaunchBuckets], exports: [LaunchBuckets] })
export class StorageModule {}
