import { JobCancelRequestEntity } from './job-cancel-request.entity';
import { LogLineEntity } from './log-line.entity';
import { LogOffsetEntity } from './log-offset.entity';
import { LogStreamEntity } from './log-stream.entity';
import { SshSessionEntity } from './ssh-session.entity';

export { JobCancelRequestEntity, LogLineEntity, LogOffsetEntity, LogStreamEntity, SshSessionEntity };

/** What running clusters need besides jobs: stored log lines and offsets, cancel requests, open ssh sessions. */
export const JOB_RUNTIME_ENTITIES = [LogStreamEntity, LogOffsetEntity, LogLineEntity, JobCancelRequestEntity, SshSessionEntity];
