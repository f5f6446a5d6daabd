import { Module, type DynamicModule } from '@nestjs/common';
import { KubeModule } from '@skyport/kube';
import { PersistenceModule } from '@skyport/persistence';
import { ServiceKitModule, type Logger } from '@skyport/service-kit';
import type { AutodownConfig } from './config';
import { AutodownService } from './idle/autodown.service';
import { ReaperService } from './reaper/reaper.service';
import { RequestReconcilerService } from './reconcile/request-reconciler.service';
import { SingletonLease } from './singleton-lease';

/** Idle detection and autostop/autodown timers, reaping of objects whose cluster is gone, and re-driving stuck requests. */
@Module({})
export class AutodownModule {
  static forRoot(config: AutodownConfig, logger: Logger): DynamicModule {
    return {
      module: AutodownModule,
      imports: [
        ServiceKitModule.forRoot('autodown', config, logger),
        PersistenceModule.forRoot(config.SKYPORT_DATABASE_URL, 'autodown'),
        KubeModule.forRoot({ kubeconfig: config.KUBECONFIG, logger }),
      ],
      providers: [SingletonLease, AutodownService, ReaperService, RequestReconcilerService],
    };
  }
}
