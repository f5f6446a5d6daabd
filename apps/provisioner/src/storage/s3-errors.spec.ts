import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '@skyport/contracts';
import { s3Error } from './s3-errors';

const where = { label: '/data', url: 's3://b/x', bucket: 'b' };
const aws = (name: string, status?: number, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('S3 errors as the user reads them', () => {
  it('a missing bucket and access denied are the task\'s problem (no failover), naming the mount and the bucket', () => {
    const missing = s3Error(aws('NoSuchBucket', 404), where);
    assert.equal(missing.code, ErrorCode.InvalidTask);
    assert.equal(missing.userMessage, "file_mounts '/data' (s3://b/x): bucket 'b' does not exist on this server's S3 endpoint");
    const denied = s3Error(aws('AccessDenied', 403), where);
    assert.equal(denied.code, ErrorCode.InvalidTask);
    assert.match(denied.userMessage, /access denied to bucket 'b' \(AccessDenied\): .* grant s3:ListBucket and s3:GetObject/);
    assert.match(s3Error(aws('UnknownError', 403), where).userMessage, /access denied/);
  });

  it('missing credentials name the variables the admin sets; anything else is the endpoint failing', () => {
    const creds = s3Error(aws('CredentialsProviderError', undefined, 'Could not load credentials from any providers'), where);
    assert.equal(creds.code, ErrorCode.ProviderUnavailable);
    assert.match(creds.userMessage, /no S3 credentials; the admin sets AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY \(or SKYPORT_S3_ACCESS_KEY_ID/);
    const down = s3Error(aws('Error', undefined, 'connect ECONNREFUSED 127.0.0.1:9'), where);
    assert.equal(down.code, ErrorCode.DependencyUnavailable);
    assert.equal(down.userMessage, "file_mounts '/data' (s3://b/x): the S3 endpoint failed (connect ECONNREFUSED 127.0.0.1:9)");
  });
});
