import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** `/healthz` (Postgres and Redis) and `/metrics`. */
@Module({ controllers: [HealthController] })
export class HealthModule {}
