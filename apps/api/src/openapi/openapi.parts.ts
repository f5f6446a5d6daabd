import type { OpenApiPart } from './openapi-part';
import { AUTOSTOP_OPENAPI } from '../autostop/autostop.openapi';
import { BLOBS_OPENAPI } from '../blobs/blobs.openapi';
import { MANAGED_JOBS_OPENAPI } from '../managed-jobs/managed-jobs.openapi';
import { POLICY_OPENAPI } from '../policy/policy.openapi';
import { SSH_OPENAPI } from '../ssh/ssh.openapi';
import { STORAGE_OPENAPI } from '../storage/storage.openapi';
import { VOLUMES_OPENAPI } from '../volumes/volumes.openapi';

/**
 * The features' parts of the OpenAPI document, listed here once (the core operations are in openapi.document.ts).
 * A feature with endpoints exports its part and is added to this list; openapi-document.spec checks that every
 * call of libs/client is documented.
 */
export const FEATURE_OPENAPI_PARTS: readonly OpenApiPart[] = [AUTOSTOP_OPENAPI, BLOBS_OPENAPI, MANAGED_JOBS_OPENAPI, POLICY_OPENAPI, SSH_OPENAPI, STORAGE_OPENAPI, VOLUMES_OPENAPI];
