import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TracingSettings {
  /** Where spans go; `undefined` leaves tracing off (the default: nothing is recorded or sent). */
  endpoint?: string;
  serviceName: string;
  serviceVersion?: string;
}

/**
 * Tracing follows OpenTelemetry's own variables, so an operator configures Skyport as any other service:
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` turns it on, `OTEL_SDK_DISABLED=true`
 * turns it off again, `OTEL_SERVICE_NAME` overrides the name.
 */
export function tracingSettingsFromEnv(service: string, env: NodeJS.ProcessEnv = process.env): TracingSettings {
  const disabled = (env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true';
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : undefined);
  return { endpoint: disabled ? undefined : endpoint, serviceName: env.OTEL_SERVICE_NAME || `skyport-${service}` };
}

let provider: NodeTracerProvider | undefined;

/**
 * Starts the tracer for this process: spans are batched to the OTLP/HTTP endpoint, context travels in
 * AsyncLocalStorage within the process and as W3C `traceparent` between processes. Without an endpoint nothing is
 * installed and every span helper is a no-op. `extraProcessor` lets a test collect spans in memory as well.
 */
export function startTracing(settings: TracingSettings, extraProcessor?: SpanProcessor): boolean {
  if (provider || (!settings.endpoint && !extraProcessor)) return false;
  const processors: SpanProcessor[] = [];
  if (settings.endpoint) processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.endpoint }), { scheduledDelayMillis: 1_000 }));
  if (extraProcessor) processors.push(extraProcessor);
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName, ...(settings.serviceVersion ? { [ATTR_SERVICE_VERSION]: settings.serviceVersion } : {}) }),
    spanProcessors: processors,
  });
  provider.register();
  return true;
}

/** Sends the spans still buffered and stops (on shutdown, so the last request's trace is not lost). */
export async function stopTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  if (!p) return;
  await p.shutdown().catch(() => undefined);
  trace.disable();
}
