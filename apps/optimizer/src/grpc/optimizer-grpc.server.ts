import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Server } from '@grpc/grpc-js';
import { grpcSecurity, SERVICE_CONFIG, SERVICE_LOGGER, startGrpcServer, stopGrpcServer, type Logger } from '@skyport/service-kit';
import { CAPACITY_SOURCE, type CapacitySource } from '../capacity/capacity.source';
import type { OptimizerConfig } from '../config';
import { PlanService } from '../plan/plan.service';
import { optimizerGrpcService } from './optimizer.grpc-service';

/** Serves `Optimizer.Plan` on SKYPORT_OPTIMIZER_GRPC (127.0.0.1 by default) for the life of the service; closes the provisioner client on the way out. */
@Injectable()
export class OptimizerGrpcServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;
  port?: number;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: OptimizerConfig,
    @Inject(PlanService) private readonly planner: PlanService,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(CAPACITY_SOURCE) private readonly capacity: CapacitySource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { server, port } = await startGrpcServer(this.config.SKYPORT_OPTIMIZER_GRPC, [{ ...optimizerGrpcService(this.planner, this.logger), allowedCallers: ['api'] }], {
      security: grpcSecurity(this.config, 'skyport-optimizer'),
      envVar: 'SKYPORT_OPTIMIZER_GRPC',
    });
    this.server = server;
    this.port = port;
    this.logger.info({ address: this.config.SKYPORT_OPTIMIZER_GRPC, port }, 'Optimizer gRPC listening');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.server) await stopGrpcServer(this.server);
    this.capacity.close?.();
  }
}
