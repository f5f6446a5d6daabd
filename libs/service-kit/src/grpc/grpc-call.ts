import { Metadata, status, type ServiceError, type ClientUnaryCall, type CallOptions } from '@grpc/grpc-js';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { tracedMetadata } from './grpc-tracing';

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/** Calls a generated unary client method as a promise, with a deadline and the active trace, translating gRPC errors. */
export function callUnary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, timeoutMs = 10_000): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    method(request, tracedMetadata(), { deadline: new Date(Date.now() + timeoutMs) }, (error, response) => {
      if (error) reject(fromGrpcError(error));
      else resolve(response);
    });
  });
}

const SKYPORT_CODE_KEY = 'skyport-code';

/** Server side: turns a thrown error into a gRPC error that keeps our code and user-facing message. */
export function toGrpcError(error: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  if (error instanceof SkyportError) {
    metadata.set(SKYPORT_CODE_KEY, error.code);
    const code =
      error.code === ErrorCode.InvalidTask || error.code === ErrorCode.InvalidRequest
        ? status.INVALID_ARGUMENT
        : error.code === ErrorCode.NotFound
          ? status.NOT_FOUND
          : error.code === ErrorCode.NoFeasibleResources
            ? status.FAILED_PRECONDITION
            : status.UNKNOWN;
    return { code, details: error.userMessage, metadata };
  }
  metadata.set(SKYPORT_CODE_KEY, ErrorCode.Internal);
  return { code: status.INTERNAL, details: 'internal error', metadata };
}

/** Client side: a gRPC error becomes a SkyportError with the server's code and message. */
export function fromGrpcError(error: ServiceError): SkyportError {
  const code = error.metadata?.get(SKYPORT_CODE_KEY)[0];
  if (typeof code === 'string' && (Object.values(ErrorCode) as string[]).includes(code)) {
    return new SkyportError(code as ErrorCode, error.details, undefined, { cause: error });
  }
  if (error.code === status.UNAVAILABLE || error.code === status.DEADLINE_EXCEEDED) {
    return new SkyportError(ErrorCode.DependencyUnavailable, `a Skyport service did not answer (${error.details})`, undefined, { cause: error });
  }
  return new SkyportError(ErrorCode.Internal, error.details || 'internal error', undefined, { cause: error });
}
