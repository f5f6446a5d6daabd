import { BlobGc } from './blob-gc.service';
import { BlobsController } from './blobs.controller';
import { BlobService } from './blob.service';

/** `/v1/blobs/*` (uploaded task files) and their GC, registered in the api module as one feature. */
export const BLOBS_FEATURE = { controllers: [BlobsController], providers: [BlobService, BlobGc] };
