import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { RetentionService } from './retention.service';

/**
 * The audit log's reader (`GET /v1/audit`) and the retention sweep of old audit rows, events and requests. The
 * AuditMiddleware that writes the log is applied by the api module, in its place in the middleware order.
 */
@Module({ controllers: [AuditController], providers: [RetentionService] })
export class AuditModule {}
