import { Module } from '@nestjs/common';
import { PolicyController } from './policy.controller';
import { PolicyService } from './policy.service';

/** Task policy: the admin's rules for what a task may ask of Kubernetes, per team (`/v1/policy`, `/v1/teams/:team/policy`). */
@Module({ controllers: [PolicyController], providers: [PolicyService], exports: [PolicyService] })
export class PolicyModule {}
