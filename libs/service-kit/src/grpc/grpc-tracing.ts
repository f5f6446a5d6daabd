import { Metadata, status, type ServerErrorResponse, type ServiceDefinition, type UntypedHandleCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { contextFromCarrier, currentTraceCarrier, skyportMetrics, SpanKind, SpanStatusCode, startSpan, traceContextApi } from '@skyport/telemetry';

/** Metadata for an outgoing call: the active trace's `traceparent`/`tracestate`, so the server continues it. */
export function tracedMetadata(): Metadata {
  const metadata = new Metadata();
  const carrier = currentTraceCarrier();
  if (carrier.traceparent) metadata.set('traceparent', carrier.traceparent);
  if (carrier.tracestate) metadata.set('tracestate', carrier.tracestate);
  return metadata;
}

interface ServerCallLike {
  metadata?: Metadata;
  on?: (event: string, listener: (...args: unknown[]) => void) => void;
}

type Callback = (error: ServerErrorResponse | null, value?: unknown, trailer?: Metadata, flags?: number) => void;

function codeName(code: number | undefined): string {
  return code === undefined ? 'OK' : ((status as unknown as Record<number, string>)[code] ?? String(code));
}

/**
 * Wraps every handler so it runs in a server span that continues the caller's trace, and counts the call by
 * method and status code. Unary calls end at their callback; streams when they finish, fail or are cancelled.
 */
export function traceCalls(definition: ServiceDefinition, implementation: UntypedServiceImplementation): UntypedServiceImplementation {
  const wrapped: UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(implementation)) {
    // As gRPC names it on the wire (`package.Service/Method`), whatever casing the implementation's keys use.
    const fullMethod = definition[method]?.path.replace(/^\//, '') ?? method;
    const [serviceName, rpcMethod] = fullMethod.includes('/') ? fullMethod.split('/') : ['unknown', method];
    const fn = handler as (call: ServerCallLike, callback?: Callback) => void;
    wrapped[method] = ((call: ServerCallLike, callback?: Callback) => {
      const started = Date.now();
      const incoming = call.metadata?.getMap() ?? {};
      const parent = contextFromCarrier({ traceparent: incoming.traceparent?.toString(), tracestate: incoming.tracestate?.toString() });
      const { span, context } = startSpan(`grpc ${fullMethod}`, { kind: SpanKind.SERVER, parent, attributes: { 'rpc.system': 'grpc', 'rpc.method': rpcMethod, 'rpc.service': serviceName } });
      let ended = false;
      const end = (code: number | undefined, message?: string): void => {
        if (ended) return;
        ended = true;
        const name = codeName(code);
        skyportMetrics.grpcHandled().inc({ method: fullMethod, code: name });
        skyportMetrics.grpcSeconds().observe({ method: fullMethod }, (Date.now() - started) / 1000);
        span.setAttribute('rpc.grpc.status_code', code ?? status.OK);
        if (code !== undefined && code !== status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message });
        span.end();
      };
      if (callback) {
        traceContextApi.with(context, () =>
          fn(call, (error, value, trailer, flags) => {
            end(error ? (error.code ?? status.UNKNOWN) : undefined, error?.details ?? error?.message);
            callback(error, value, trailer, flags);
          }),
        );
        return;
      }
      call.on?.('finish', () => end(undefined));
      call.on?.('error', (error) => end((error as ServerErrorResponse).code ?? status.UNKNOWN, (error as Error).message));
      call.on?.('cancelled', () => end(status.CANCELLED));
      traceContextApi.with(context, () => fn(call));
    }) as UntypedHandleCall;
  }
  return wrapped;
}
