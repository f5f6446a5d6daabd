import { Inject, Injectable, Module, Optional, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Server } from '@grpc/grpc-js';
import { DataSource } from 'typeorm';
import { ProvisionerRpc, QueueName, VolumesRpc } from '@skyport/contracts';
import { KUBE_PROVIDER, KubeClientProvider } from '@skyport/kube';
import { grpcSecurity, JobQueue, QueueWorkers, SERVICE_CONFIG, SERVICE_LOGGER, startGrpcServer, stopGrpcServer, type Logger } from '@skyport/service-kit';
import { CapacityService } from '../capacity/capacity.service';
import { provisionerGrpcServer } from '../capacity/capacity.grpc';
import { infraCheckFor } from '../check/infra-check.factory';
import { liveEndpoints } from '../ports/live-endpoints';
import { volumesGrpcServer } from '../volumes/volumes.grpc';
import type { ProvisionerConfig } from '../config';
import { TeardownService } from '../teardown/teardown.service';
import { ClusterPowerService } from '../power/cluster-power.service';
import { JobsModule } from '../jobs/jobs.module';
import { JobRunner } from '../jobs/job-runner.service';
import { LaunchWatches } from '../launch/launch-watches';
import { ProvisionService } from './provision.service';
import { CLOUD_PROVISIONER, CloudBridge } from './cloud-bridge';
import { ClusterHealthService } from '../health/cluster-health.service';

import { S3_BUCKETS, s3BucketsProvider } from '../storage/s3-buckets.provider';
import { VmMountRefresher } from '../storage/vm-mount-refresher.service';
import type { S3Buckets } from '../storage/s3-buckets';

/** Capacity informers for every allowed context and the gRPC server: Provisioner (from them) and Volumes (the api's claims). */
@Injectable()
export class CapacityHost implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly capacity: CapacityService;
  private server?: Server;

  constructor(
    @Inject(KUBE_PROVIDER) private readonly kube: KubeClientProvider,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(DataSource) private readonly db: DataSource,
  ) {
    this.capacity = new CapacityService(kube);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.capacity.start();
    const { server, port } = await startGrpcServer(this.config.SKYPORT_PROVISIONER_GRPC, [
      {
        definition: ProvisionerRpc.ProvisionerService,
        implementation: provisionerGrpcServer(this.capacity, infraCheckFor(this.kube, this.config), (name) => liveEndpoints({ db: this.db, kube: this.kube, config: this.config.skyport }, name)),
        allowedCallers: ['api', 'optimizer'],
      },
      {
        definition: VolumesRpc.VolumesService,
        implementation: volumesGrpcServer({ kube: this.kube, db: this.db, config: this.config.skyport, log: (message, data) => this.logger.warn(data ?? {}, message) }),
        allowedCallers: ['api'],
      },
    ], { security: grpcSecurity(this.config, 'skyport-provisioner'), envVar: 'SKYPORT_PROVISIONER_GRPC' });
    this.server = server;
    this.logger.info({ port }, 'Provisioner gRPC listening');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.server) await stopGrpcServer(this.server);
    await this.capacity.dispose();
  }
}

/** The `provision`, `teardown` and `cluster-power` (stop/start) consumers. */
@Injectable()
export class KubeProvisionConsumers implements OnModuleInit, OnApplicationShutdown {
  readonly provision: ProvisionService;
  readonly teardown: TeardownService;
  readonly power: ClusterPowerService;
  private readonly launchWatches = new LaunchWatches();

  constructor(
    @Inject(QueueWorkers) private readonly workers: QueueWorkers,
    @Inject(DataSource) db: DataSource,
    @Inject(KUBE_PROVIDER) kube: KubeClientProvider,
    @Inject(CapacityHost) host: CapacityHost,
    @Inject(SERVICE_CONFIG) config: ProvisionerConfig,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(JobQueue) queue: JobQueue,
    @Optional() @Inject(CLOUD_PROVISIONER) cloud?: CloudBridge,
    @Optional() @Inject(JobRunner) jobs?: JobRunner,
    @Optional() @Inject(S3_BUCKETS) buckets?: S3Buckets,
  ) {
    this.provision = new ProvisionService({
      db,
      kube,
      capacity: host.capacity,
      config: config.skyport,
      logger,
      cloud: cloud ?? undefined,
      queue,
      launchWatches: this.launchWatches,
      onClusterUp: jobs ? (name, pods) => jobs.clusterUp(name, pods) : undefined,
      imageDefaults: config.imageDefaults,
      buckets,
      jobStart: config.SKYPORT_JOB_START,
    });
    this.teardown = new TeardownService({ db, kube, logger, cloud: cloud ?? undefined });
    this.power = new ClusterPowerService({ db, logger, cloud: cloud ?? undefined, exec: queue });
  }

  onModuleInit(): void {
    this.workers.register(QueueName.Provision, (payload) => this.provision.provision(payload));
    this.workers.register(QueueName.Teardown, (payload) => this.teardown.teardown(payload));
    this.workers.register(QueueName.ClusterPower, (payload) => this.power.handle(payload));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.launchWatches.dispose();
  }
}

@Module({
  imports: [JobsModule],
  providers: [
    CapacityHost,
    s3BucketsProvider,
    { provide: CLOUD_PROVISIONER, useClass: CloudBridge },
    KubeProvisionConsumers,
    ClusterHealthService,
    // MOUNT keys of AWS VM clusters, refreshed before they expire (leader-only pass).
    VmMountRefresher,
  ],
  exports: [CapacityHost, S3_BUCKETS],
})
export class KubeProvisionModule {}
