import type { FactoryProvider } from '@nestjs/common';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import type { ProvisionerConfig } from '../config';
import { S3Buckets } from './s3-buckets';
import { s3BucketsOptions } from './s3.config';

/** The one S3 reader of the provisioner (launch, file re-sync and cloud VMs share it). */
export const S3_BUCKETS = Symbol('S3_BUCKETS');

export const s3BucketsProvider: FactoryProvider<S3Buckets> = {
  provide: S3_BUCKETS,
  inject: [SERVICE_CONFIG],
  useFactory: (config: ProvisionerConfig) => new S3Buckets(s3BucketsOptions(config)),
};
