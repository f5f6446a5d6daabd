import { EC2Client } from '@aws-sdk/client-ec2';
import { AWS_DEFAULTS, type AwsProviderOptions } from '../config/aws-provider.options';

/** One EC2 client per region, sharing the configured endpoint and credentials. */
export class Ec2ClientFactory {
  private readonly clients = new Map<string, EC2Client>();

  constructor(private readonly options: AwsProviderOptions) {}

  forRegion(region: string): EC2Client {
    let client = this.clients.get(region);
    if (!client) {
      client = new EC2Client({
        region,
        endpoint: this.options.endpoint,
        credentials: this.options.credentials,
        maxAttempts: this.options.maxAttempts ?? AWS_DEFAULTS.maxAttempts,
      });
      this.clients.set(region, client);
    }
    return client;
  }

  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}
