import { Global, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { AwsProvider, loadOrCreateSshKey } from '@skyport/cloud-aws';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import { DataSource } from 'typeorm';
import { awsProviderOptions, sshAddressOverride, type CloudConfig } from './cloud.config';
import { CloudLauncher } from './cloud-launcher';
import { CLOUD_LAUNCHER, CloudNodes } from './cloud-nodes.service';
import { AWS_PROVIDER } from './aws-provider.token';
import { CloudHealthService } from '../health/cloud-health.service';

export { AWS_PROVIDER };

/**
 * The cloud burst path of the provisioner: the AWS provider (when SKYPORT_CLOUD_PROVIDERS has `aws`), the cloud
 * launcher and the VM nodes the job driver runs on. Global, so the provision and jobs modules can inject it.
 * Reads the cloud settings from the provisioner's config (its schema spreads `cloudConfigShape`).
 */
@Global()
@Module({
  providers: [
    {
      provide: AWS_PROVIDER,
      inject: [SERVICE_CONFIG],
      useFactory: (config: CloudConfig): AwsProvider | null =>
        (config.SKYPORT_CLOUD_PROVIDERS ?? []).includes('aws') ? new AwsProvider(awsProviderOptions(config), loadOrCreateSshKey(config.SKYPORT_CLOUD_KEY_DIR)) : null,
    },
    {
      provide: CLOUD_LAUNCHER,
      inject: [SERVICE_CONFIG, DataSource, AWS_PROVIDER],
      useFactory: (config: CloudConfig, db: DataSource, aws: AwsProvider | null) =>
        new CloudLauncher({ db, aws: aws ?? undefined, sshTimeoutMs: config.SKYPORT_CLOUD_SSH_TIMEOUT_MS ?? 180_000, sshOverride: sshAddressOverride(config) }),
    },
    CloudNodes,
    // Spot interruptions and VMs terminated outside Skyport: the cluster is marked lost (leader-only pass).
    CloudHealthService,
  ],
  exports: [CLOUD_LAUNCHER, CloudNodes],
})
export class CloudModule implements OnApplicationShutdown {
  constructor(@Inject(AWS_PROVIDER) private readonly aws: AwsProvider | null) {}

  onApplicationShutdown(): void {
    this.aws?.close();
  }
}
