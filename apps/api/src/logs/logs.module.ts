import { Module } from '@nestjs/common';
import { JobLogsController } from './job-logs.controller';
import { logsClientProvider } from './logs-client.provider';

/** `GET /v1/clusters/:name/jobs/:job/logs`: a job's output, streamed from the logs service over gRPC. */
@Module({ controllers: [JobLogsController], providers: [logsClientProvider] })
export class LogsModule {}
