import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { BlobLimits, BlobMissingAnswer, BlobPutAnswer, ManifestCreated } from '@skyport/contracts';
import { Caller, type Principal } from '../auth/principal';
import { BlobService } from './blob.service';
import { blobScopeOf } from './blob-scope';
import { readRawBody } from './read-raw-body';

/**
 * Uploads of a task's local files (workdir, file_mounts): chunks by sha256, then a manifest naming them. The
 * task then refers to `skyport-blob://<manifest digest>`. Everything is per team (see blob-scope.ts).
 */
@Controller('v1/blobs')
export class BlobsController {
  constructor(@Inject(BlobService) private readonly blobs: BlobService) {}

  @Get('limits')
  limits(): BlobLimits {
    return this.blobs.limits();
  }

  /** Which of these chunks the caller's team still has to upload. */
  @Post('missing')
  @HttpCode(200)
  async missing(@Caller() caller: Principal, @Body() body: unknown): Promise<BlobMissingAnswer> {
    return { missing: await this.blobs.missing(blobScopeOf(caller), body) };
  }

  @Post('manifests')
  @HttpCode(201)
  createManifest(@Caller() caller: Principal, @Body() body: unknown): Promise<ManifestCreated> {
    return this.blobs.createManifest(blobScopeOf(caller), body);
  }

  /** One chunk, `application/octet-stream`; refused unless its bytes hash to the address. */
  @Put(':digest')
  @HttpCode(200)
  async put(@Caller() caller: Principal, @Param('digest') digest: string, @Req() req: Request): Promise<BlobPutAnswer> {
    const data = await readRawBody(req, this.blobs.limits().chunkMaxBytes);
    return this.blobs.put(blobScopeOf(caller), digest, data);
  }
}
