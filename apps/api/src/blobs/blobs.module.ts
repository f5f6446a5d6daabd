import { Module } from '@nestjs/common';
import { BlobGc } from './blob-gc.service';
import { BlobService } from './blob.service';
import { BlobsController } from './blobs.controller';

/** Uploaded task files (`/v1/blobs/*`) and their GC; launches and managed jobs pin the manifests they use. */
@Module({ controllers: [BlobsController], providers: [BlobService, BlobGc], exports: [BlobService] })
export class BlobsModule {}
