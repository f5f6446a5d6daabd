import { ErrorCode, isSkyportError } from '@skyport/contracts';

/** 0 success, 1 the task or job (or the system) failed, 2 usage or validation error. */
export enum ExitCode {
  Ok = 0,
  Failed = 1,
  Usage = 2,
}

/** Thrown by commands to stop with a message and an exit code (the message is for people). */
export class CliExit extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message = '',
  ) {
    super(message);
    this.name = 'CliExit';
  }
}

const USAGE_CODES = new Set<ErrorCode>([ErrorCode.InvalidRequest, ErrorCode.MalformedJson, ErrorCode.InvalidClusterName, ErrorCode.InvalidTask, ErrorCode.PayloadTooLarge]);

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliExit) return error.exitCode;
  if (isSkyportError(error)) return USAGE_CODES.has(error.code) ? ExitCode.Usage : ExitCode.Failed;
  return ExitCode.Failed;
}
