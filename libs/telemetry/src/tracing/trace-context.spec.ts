import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { activeTraceIds, contextFromCarrier, currentTraceCarrier, withSpan } from './trace-context';
import { startTracing, stopTracing, tracingSettingsFromEnv } from './tracing';

describe('trace context across process boundaries', () => {
  const exporter = new InMemorySpanExporter();
  before(() => {
    assert.equal(startTracing({ serviceName: 'skyport-test' }, new SimpleSpanProcessor(exporter)), true);
  });
  after(async () => {
    await stopTracing();
  });

  it('a carrier taken inside a span continues its trace elsewhere (as a queue job or a gRPC call does)', async () => {
    let carrier = {};
    await withSpan('request', {}, async () => {
      carrier = currentTraceCarrier();
      assert.match(activeTraceIds().trace_id ?? '', /^[0-9a-f]{32}$/);
    });
    // The receiving side starts from nothing but the carrier.
    await context.with(ROOT_CONTEXT, () => withSpan('job', { parent: contextFromCarrier(carrier) }, async () => undefined));
    const [request, job] = ['request', 'job'].map((n) => exporter.getFinishedSpans().find((s) => s.name === n)!);
    assert.equal(job.spanContext().traceId, request.spanContext().traceId);
    assert.equal(job.parentSpanContext?.spanId, request.spanContext().spanId);
  });

  it('records a failure on the span and rethrows it', async () => {
    await assert.rejects(withSpan('failing', {}, async () => Promise.reject(new Error('boom'))), /boom/);
    const span = exporter.getFinishedSpans().find((s) => s.name === 'failing')!;
    assert.equal(span.status.code, 2);
    assert.equal(span.events[0]?.name, 'exception');
  });

  it('no carrier, or a carrier without traceparent, changes nothing', () => {
    assert.equal(contextFromCarrier(undefined), context.active());
    assert.equal(contextFromCarrier({}), context.active());
  });
});

describe('tracing settings', () => {
  it('off unless an OTLP endpoint is configured; OTEL_SDK_DISABLED wins', () => {
    assert.equal(tracingSettingsFromEnv('api', {}).endpoint, undefined);
    assert.equal(tracingSettingsFromEnv('api', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }).endpoint, 'http://127.0.0.1:4318/v1/traces');
    assert.equal(tracingSettingsFromEnv('api', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/x' }).endpoint, 'http://127.0.0.1:4318/x');
    assert.equal(tracingSettingsFromEnv('api', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }).endpoint, undefined);
    assert.equal(tracingSettingsFromEnv('api', {}).serviceName, 'skyport-api');
    assert.equal(tracingSettingsFromEnv('api', { OTEL_SERVICE_NAME: 'edge-api' }).serviceName, 'edge-api');
  });
});
