import { PolicyController } from './policy.controller';
import { PolicyService } from './policy.service';

/** Task policy: the admin's rules for what a task may ask of Kubernetes, per team (`/v1/policy`, `/v1/teams/:team/policy`). */
export const POLICY_FEATURE = { controllers: [PolicyController], providers: [PolicyService] };
