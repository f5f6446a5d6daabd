import { JobLogsController } from './job-logs.controller';
import { logsClientProvider } from './logs-client.provider';

/** `GET /v1/clusters/:name/jobs/:job/logs`: registered in the api module as one feature. */
export const LOGS_FEATURE = { controllers: [JobLogsController], providers: [logsClientProvider] };
