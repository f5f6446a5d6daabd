import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SkyportClient } from '@skyport/client';
import { LAUNCH_BODY_FIELDS } from '@skyport/contracts';
// No app module import: the document is assembled explicitly (openapi.parts.ts), not by what happens to be loaded.
import { buildOpenApiDocument } from './openapi.document';

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; security?: unknown[] };
const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

function documented(method: string, path: string): boolean {
  return Object.entries(doc.paths).some(
    ([template, ops]) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path) && method.toLowerCase() in ops,
  );
}

describe('OpenAPI document', () => {
  it('every $ref resolves to a schema', () => {
    for (const ref of refs(doc)) {
      const name = ref.replace('#/components/schemas/', '');
      assert.ok(ref.startsWith('#/components/schemas/') && name in doc.components.schemas, `unresolved ${ref}`);
    }
  });

  it('every operation has a success answer and its errors in the {code, message, details} shape, 401/429 where authenticated', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const statuses = Object.keys(op.responses);
        // 101: a WebSocket upgrade (ssh) answers with the switch, not a 2xx.
        assert.ok(statuses.some((s) => s.startsWith('2') || s === '101'), `${method} ${path}: no 2xx`);
        assert.ok(statuses.includes('default'), `${method} ${path}: no default error`);
        if (!(Array.isArray(op.security) && op.security.length === 0)) {
          assert.ok(statuses.includes('401') && statuses.includes('429'), `${method} ${path}: 401/429 missing`);
        }
        for (const status of statuses.filter((s) => s === 'default' || Number(s) >= 400)) {
          assert.deepEqual(op.responses[status].content?.['application/json']?.schema, { $ref: '#/components/schemas/ErrorBody' }, `${method} ${path} ${status}`);
        }
      }
    }
  });

  it('the launch body is documented from its zod schema: exactly its fields, only task required, nothing else allowed', () => {
    const body = doc.components.schemas.LaunchRequestBody as { properties: Record<string, unknown>; required: string[]; additionalProperties: unknown };
    assert.deepEqual(Object.keys(body.properties), [...LAUNCH_BODY_FIELDS]);
    assert.deepEqual(body.required, ['task']);
    assert.equal(body.additionalProperties, false);
    assert.deepEqual(body.properties.overrides, { $ref: '#/components/schemas/TaskOverrides' });
  });

  it("every call of libs/client is an operation of the document (method and path)", async () => {
    const calls: Array<{ method: string; path: string }> = [];
    const recording: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      calls.push({ method: init?.method ?? 'GET', path: url.pathname });
      const sse = (init?.headers as Record<string, string> | undefined)?.accept === 'text/event-stream';
      return new Response(sse ? '' : '{"items":[],"totalCost":0}', { status: 200, headers: { 'content-type': sse ? 'text/event-stream' : 'application/json' } });
    };
    const client = new SkyportClient({ endpoint: 'http://127.0.0.1:1', token: 'skp_x', fetch: recording, timeoutMs: 1_000, retry: { retries: 0 } });
    // openShell is a WebSocket, not a fetch; the rest are the client's private transport helpers.
    const skip = new Set(['constructor', 'openShell', 'json', 'send', 'sendOnce', 'resumingSse', 'allPages', 'transportError']);
    const methods = Object.getOwnPropertyNames(SkyportClient.prototype).filter((m) => !skip.has(m) && typeof (client as unknown as Record<string, unknown>)[m] === 'function');
    for (const name of methods) {
      const before = calls.length;
      const fn = (client as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
      try {
        const result = fn.call(client, 'c1', 1, {}) as unknown;
        if (result && typeof (result as AsyncGenerator).next === 'function') await (result as AsyncGenerator).next();
        else await result;
      } catch {
        // The fake answer may not fit every call; only the request it made matters here.
      }
      for (const call of calls.slice(before)) assert.ok(documented(call.method, call.path), `client.${name}: ${call.method} ${call.path} is not in the OpenAPI document`);
    }
    assert.ok(calls.length >= 30, `only ${calls.length} calls recorded`);
  });
});
