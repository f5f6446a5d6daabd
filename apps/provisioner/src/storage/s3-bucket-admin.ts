import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3Error } from './s3-errors';

/** Creating, filling and deleting the buckets Skyport owns (named storage); reading is s3-buckets.ts. */
export class S3BucketAdmin {
  constructor(private readonly s3: S3Client) {}

  /** Creates the bucket when missing; true when this call created it. */
  async ensure(bucket: string, label: string): Promise<boolean> {
    const where = { label, url: `s3://${bucket}`, bucket };
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: bucket }));
      return false;
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== 404 && (err as { name?: string }).name !== 'NotFound' && (err as { name?: string }).name !== 'NoSuchBucket') throw s3Error(err, where);
    }
    try {
      await this.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      return true;
    } catch (err) {
      // Another launch made it between the two calls: it exists, and it is not this call's.
      if ((err as { name?: string }).name === 'BucketAlreadyOwnedByYou') return false;
      throw s3Error(err, where);
    }
  }

  async put(bucket: string, key: string, body: Buffer, label: string): Promise<void> {
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    } catch (err) {
      throw s3Error(err, { label, url: `s3://${bucket}/${key}`, bucket });
    }
  }

  /** Empties and deletes the bucket; a bucket already gone is fine. */
  async remove(bucket: string): Promise<void> {
    const where = { label: `storage ${bucket}`, url: `s3://${bucket}`, bucket };
    try {
      for (;;) {
        const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
        if (keys.length === 0) break;
        await this.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
      }
      await this.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchBucket') return;
      throw s3Error(err, where);
    }
  }
}
