import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider, generateSshKey, type SshKey } from '@skyport/cloud-aws';
import { motoProviderOptions } from '@skyport/cloud-aws/testing';
import { createTestDatabase } from '@skyport/dev-stack';
import { createDataSource, runMigrations } from '@skyport/persistence';
import { startTestSshd, type TestSshd } from '@skyport/ssh/testing';
import type { DataSource } from 'typeorm';
import { CloudLauncher } from '../cloud-launcher';

/**
 * What the cloud integration suites share: a fresh database, EC2 from moto, a local sshd standing in for every
 * VM (test-only override), and a launcher wired to them. `close()` also removes the VMs' local directories.
 */
export interface CloudFixture {
  key: SshKey;
  ds: DataSource;
  sshd: TestSshd;
  aws: AwsProvider;
  launcher: CloudLauncher;
  /** A launcher whose SSH goes to another port (e.g. 9: nothing listens). */
  launcherVia(port: number, sshTimeoutMs: number): CloudLauncher;
  /** Forget the local directories of these VMs at close. */
  track(instanceIds: readonly string[]): void;
  close(): Promise<void>;
}

export async function startCloudFixture(label: string): Promise<CloudFixture> {
  const key = generateSshKey('skyport-test');
  const db = await createTestDatabase(label);
  await runMigrations(db.url);
  const ds = await createDataSource(db.url).initialize();
  const sshd = await startTestSshd([key.publicKey]);
  const aws = new AwsProvider(motoProviderOptions({ sshUser: sshd.username }), key);
  const launcherVia = (port: number, sshTimeoutMs: number) =>
    new CloudLauncher({ db: ds, aws, sshTimeoutMs, sshRetryIntervalMs: 200, sshOverride: { host: sshd.host, port } });
  const vms = new Set<string>();
  return {
    key,
    ds,
    sshd,
    aws,
    launcher: launcherVia(sshd.port, 5_000),
    launcherVia,
    track: (ids) => ids.forEach((id) => vms.add(id)),
    close: async () => {
      for (const id of vms) await rm(join(homedir(), '.skyport-test-vms', id), { recursive: true, force: true });
      aws.close();
      await ds.destroy();
      await sshd.stop();
      await db.drop();
    },
  };
}
