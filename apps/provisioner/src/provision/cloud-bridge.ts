import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BlobReader, ClusterEntity } from '@skyport/persistence';
import type { BlockedCandidate } from '@skyport/contracts';
import type { TaskSpec } from '@skyport/task-spec';
import { blockedByFailure } from '../cloud/cloud-block';
import { cloudInfra, parseCloudInfra, type CloudLauncher } from '../cloud/cloud-launcher';
import { CLOUD_LAUNCHER, CloudNodes } from '../cloud/cloud-nodes.service';
import type { CloudTeardown } from '../teardown/teardown.service';
import type { CloudPower } from '../power/cluster-power.service';
import type { CloudProvisioner } from './provision.service';
import type { PlanCandidate } from './cluster-spec.factory';
import { nodeCopiesOf } from './blob-files';
import { S3_BUCKETS } from '../storage/s3-buckets.provider';
import type { S3Buckets } from '../storage/s3-buckets';
import { prepareNamedBuckets } from '../storage/named-buckets';
import { BucketGate } from '../storage/bucket-gate';
import { vmBucketMountsOf } from '../storage/vm-bucket-mounts';

export const CLOUD_PROVISIONER = Symbol('CLOUD_PROVISIONER');

/** The provision/teardown consumers' view of the cloud burst path (cloud/cloud-launcher.ts). */
@Injectable()
export class CloudBridge implements CloudProvisioner, CloudTeardown, CloudPower {
  constructor(
    @Optional() @Inject(CLOUD_LAUNCHER) private readonly launcher?: CloudLauncher,
    @Optional() @Inject(CloudNodes) private readonly nodes?: CloudNodes,
    @Optional() @Inject(DataSource) private readonly db?: DataSource,
    @Optional() @Inject(S3_BUCKETS) private readonly buckets?: S3Buckets,
  ) {}

  async launch(input: { clusterName: string; numNodes: number; candidate: PlanCandidate; attemptId: string; task: TaskSpec; log: (m: string) => void }): Promise<{ infra: string; nodes: Array<Record<string, unknown>> }> {
    if (!this.launcher) throw new Error('cloud launcher missing');
    const res = input.task.resources[0];
    const reader = new BlobReader(this.requireDb());
    const gate = BucketGate.for(this.requireDb(), this.buckets, { clusterName: input.clusterName });
    await prepareNamedBuckets(this.requireDb(), reader, this.buckets, input.task, gate);
    // Checked and given their scoped keys before any VM is made: a refused bucket costs no VM.
    const bucketMounts = await vmBucketMountsOf(input.task, this.buckets, gate);
    const vms = await this.launcher.launch({
      clusterName: input.clusterName,
      numNodes: input.numNodes,
      candidate: input.candidate,
      ports: res?.ports,
      diskSizeGb: res?.diskSizeGb,
      attemptId: input.attemptId,
      // From the blob store, never from a path on this machine.
      files: await nodeCopiesOf(reader, input.task, this.buckets, gate, { vmMounts: true }),
      bucketMounts,
      log: input.log,
    });
    return { infra: cloudInfra(input.candidate.provider, input.candidate.region), nodes: vms.map((v) => ({ rank: v.rank, instanceId: v.instanceId, publicIp: v.publicIp, privateIp: v.privateIp })) };
  }

  private requireDb(): DataSource {
    if (!this.db) throw new Error('the database is missing: uploaded files cannot be read');
    return this.db;
  }

  blockedBy(failed: PlanCandidate, err: unknown, candidates: readonly PlanCandidate[]): BlockedCandidate[] {
    return blockedByFailure(failed, err, candidates);
  }

  async teardownInfra(clusterName: string, infra: string): Promise<boolean> {
    const cloud = parseCloudInfra(infra);
    if (!cloud || !this.launcher) return false;
    // The job driver's SSH connections to these VMs go first.
    await this.nodes?.release(clusterName);
    await this.launcher.teardown(clusterName, [cloud.region]);
    return true;
  }

  async stopInfra(clusterName: string, infra: string): Promise<boolean> {
    const cloud = parseCloudInfra(infra);
    if (!cloud || !this.launcher) return false;
    // The job driver's SSH connections die with the VMs: close them first.
    await this.nodes?.release(clusterName);
    await this.launcher.stop(clusterName, cloud.region);
    return true;
  }

  async startInfra(clusterName: string, infra: string): Promise<boolean> {
    const cloud = parseCloudInfra(infra);
    if (!cloud || !this.launcher) return false;
    await this.nodes?.release(clusterName); // reopened on the new addresses
    // The task's mounts, checked against the allow-list as it is now and given fresh keys.
    const cluster = await this.db?.getRepository(ClusterEntity).findOne({ where: { name: clusterName } });
    const task = cluster?.task;
    const bucketMounts = task?.fileMounts && this.db ? await vmBucketMountsOf(task, this.buckets, BucketGate.for(this.db, this.buckets, { clusterName })) : [];
    await this.launcher.start(clusterName, cloud.region, { bucketMounts });
    return true;
  }
}
