import { Module, type DynamicModule } from '@nestjs/common';
import { PersistenceModule } from '@skyport/persistence';
import { ServiceKitModule, type Logger } from '@skyport/service-kit';
import { KUBE_PROVIDER, KubeModule, type KubeClientProvider } from '@skyport/kube';
import type { LogsConfig } from './config';
import { LogsTailServer } from './grpc/logs-tail.server';
import { KubeNodeLogSources } from './tail/kube-node-log-source';
import { LogTailer } from './tail/log-tailer.service';
import { NODE_LOG_SOURCE_PROVIDERS } from './tail/node-log-source';
import { VmSshLogSources, vmSshLogSourcesProvider } from './tail/vm-ssh-log-source';

/** Where job output is read from, by the kind of cluster: the first provider that handles a cluster's infra. */
const nodeLogSourceProviders = {
  provide: NODE_LOG_SOURCE_PROVIDERS,
  useFactory: (kube: KubeClientProvider, vms: VmSshLogSources) => [new KubeNodeLogSources(kube), vms],
  inject: [KUBE_PROVIDER, VmSshLogSources],
};

/** Log aggregation: tails job output on every node into Postgres, in order, and serves `Logs.Tail`. */
@Module({})
export class LogsModule {
  static forRoot(config: LogsConfig, logger: Logger): DynamicModule {
    return {
      module: LogsModule,
      imports: [
        ServiceKitModule.forRoot('logs', config, logger),
        PersistenceModule.forRoot(config.SKYPORT_DATABASE_URL, 'logs'),
        KubeModule.forRoot({ kubeconfig: config.KUBECONFIG, logger }),
      ],
      providers: [vmSshLogSourcesProvider, nodeLogSourceProviders, LogTailer, LogsTailServer],
    };
  }
}
