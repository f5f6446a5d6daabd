import { Module } from '@nestjs/common';
import { JobRunner } from './job-runner.service';

/** The per-cluster job queue: runs jobs in the pods, detached, and records their states. */
@Module({ providers: [JobRunner], exports: [JobRunner] })
export class JobsModule {}
