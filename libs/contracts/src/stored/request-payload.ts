import type { LaunchRequestPayload } from '../placement/relaunch';

/** `requests.payload` of a `down` asked for by a user (`skyport down [--purge]`). */
export interface DownRequestPayload {
  purge: boolean;
}

/** `requests.payload` of the `down` or `stop` the autodown service asks for once a cluster was idle long enough. */
export interface AutodownRequestPayload {
  autodown: true;
  idleMinutes: number;
  down: boolean;
}

/** `requests.payload` of a `stop` or `start` (`{}` when a user asked); a launch on a STOPPED cluster names itself. */
export interface PowerRequestPayload {
  /** The launch request whose job runs once the cluster is UP again. */
  launch?: string;
}

/** `requests.payload` of a job cancel (kind `cancel`): the jobs it stopped. */
export interface CancelRequestPayload {
  jobIds: number[];
}

/**
 * `requests.payload`, by the request's kind: a launch's or an exec's is a LaunchRequestPayload, the others say
 * what was asked. `Task` is the stored task's type (libs/task-spec's TaskSpec; contracts keep it opaque).
 */
export type RequestPayload<Task = unknown> = LaunchRequestPayload<Task> | DownRequestPayload | AutodownRequestPayload | PowerRequestPayload | CancelRequestPayload;

/** The payload of a launch or an exec (the only ones with a task); undefined for any other request. */
export function launchPayloadOf<Task>(payload: RequestPayload<Task> | null | undefined): LaunchRequestPayload<Task> | undefined {
  return payload && 'task' in payload ? payload : undefined;
}
