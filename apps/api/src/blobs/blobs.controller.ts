import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Req } from '@nestjs/common';
import { BlobMissingBodySchema, ErrorCode, SkyportError, readRestBody } from '@skyport/contracts';
import type { Request } from 'express';
import type { BlobLimits, BlobMissingAnswer, BlobPutAnswer, ManifestCreated } from '@skyport/contracts';
import { Caller, type Principal } from '../auth/principal';
import { BlobService } from './blob.service';
import { blobScopeOf } from './blob-scope';
import { readRawBody } from './read-raw-body';

/** The media type of a large manifest (JSON, sent past the api's JSON body limit). */
export const MANIFEST_MEDIA_TYPE = 'application/vnd.skyport.manifest+json';
const MANIFEST_MAX_BYTES = 64 * 1024 * 1024;

const manifestTooLarge = () =>
  new SkyportError(ErrorCode.PayloadTooLarge, `a manifest may be at most ${MANIFEST_MAX_BYTES} bytes; add files to .skyignore or pack fewer of them`, { kind: 'manifest-too-large' });

function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new SkyportError(ErrorCode.MalformedJson, `the manifest is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

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
    return { missing: await this.blobs.missing(blobScopeOf(caller), readRestBody(BlobMissingBodySchema, body)) };
  }

  /**
   * A manifest lists every file of a tree, so it can be far larger than the api's JSON body limit: besides
   * `application/json` it is accepted as MANIFEST_MEDIA_TYPE, read here up to MANIFEST_MAX_BYTES.
   */
  @Post('manifests')
  @HttpCode(201)
  async createManifest(@Caller() caller: Principal, @Req() req: Request): Promise<ManifestCreated> {
    return this.blobs.createManifest(blobScopeOf(caller), req.is('application/json') ? (req.body as unknown) : parseJson(await readRawBody(req, MANIFEST_MAX_BYTES, manifestTooLarge)));
  }

  /** One chunk, `application/octet-stream`; refused unless its bytes hash to the address. */
  @Put(':digest')
  @HttpCode(200)
  async put(@Caller() caller: Principal, @Param('digest') digest: string, @Req() req: Request): Promise<BlobPutAnswer> {
    const data = await readRawBody(req, this.blobs.limits().chunkMaxBytes);
    return this.blobs.put(blobScopeOf(caller), digest, data);
  }
}
