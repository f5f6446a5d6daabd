import { Module } from '@nestjs/common';
import { QuotaModule } from '../quota/quota.module';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { IdentityController } from './identity.controller';
import { IdentityService } from './identity.service';

/**
 * Users, teams, their namespaces and tokens (`/v1/users`, `/v1/teams`, `/v1/tokens`, `/v1/whoami`) and the first
 * admin. IdentityService is exported for who checks a token (the AuthMiddleware, applied by the api module, and
 * ssh) or a team's namespaces (launch, volumes); a team's quota is set here, through QuotaModule.
 */
@Module({ imports: [QuotaModule], controllers: [IdentityController], providers: [IdentityService, BootstrapAdminService], exports: [IdentityService] })
export class IdentityModule {}
