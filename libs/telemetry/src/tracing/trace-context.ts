import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';

/** W3C trace context as it travels between processes: HTTP headers, gRPC metadata, BullMQ job data, outbox rows. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

const TRACER = 'skyport';

/** The active trace context as a carrier; empty when there is none (tracing off, or no span in progress). */
export function currentTraceCarrier(): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const out: TraceCarrier = {};
  if (carrier.traceparent) out.traceparent = carrier.traceparent;
  if (carrier.tracestate) out.tracestate = carrier.tracestate;
  return out;
}

/** The context a carrier describes, on top of the active one (a carrier with nothing in it changes nothing). */
export function contextFromCarrier(carrier: TraceCarrier | Record<string, unknown> | undefined | null): Context {
  if (!carrier || typeof carrier.traceparent !== 'string') return context.active();
  const headers: Record<string, string> = { traceparent: carrier.traceparent };
  if (typeof carrier.tracestate === 'string') headers.tracestate = carrier.tracestate;
  return propagation.extract(context.active(), headers);
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent to use instead of the active context (a job's or a call's carrier). */
  parent?: Context;
}

/**
 * Runs `fn` inside a new span that ends when it settles; a thrown error is recorded on the span and rethrown.
 * With tracing off this costs a no-op span and nothing else.
 */
export async function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const tracer = trace.getTracer(TRACER);
  return tracer.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, options.parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Starts a span the caller ends (an HTTP request, a stream); the returned context makes it the parent of work done in it. */
export function startSpan(name: string, options: SpanOptions): { span: Span; context: Context } {
  const parent = options.parent ?? context.active();
  const span = trace.getTracer(TRACER).startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** The ids a log line carries so it can be found from its trace (and back); empty without an active span. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  const ctx = span?.spanContext();
  if (!ctx || !trace.isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}

export { context as traceContextApi, SpanKind, SpanStatusCode };
