import { Module } from '@nestjs/common';
import { DryrunService } from './dryrun.service';
import { optimizerClientProvider } from './optimizer-client.provider';

/** The optimizer's gRPC client and what the api asks of it: a launch's dry run (the plan, nothing started). */
@Module({ providers: [optimizerClientProvider, DryrunService], exports: [DryrunService] })
export class OptimizerModule {}
