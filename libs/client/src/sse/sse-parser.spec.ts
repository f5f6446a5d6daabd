import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSse, type SseMessage } from './sse-parser';

async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? new TextEncoder().encode(p) : p;
}

async function read(...parts: Array<string | Uint8Array>): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of readSse(chunks(...parts))) out.push(m);
  return out;
}

describe('readSse', () => {
  it('loads eventsource-parser from this CommonJS build', () => {
    // tsc compiles the client to CommonJS: require() takes the package's own CommonJS build (no require(esm) needed).
    assert.match(require.resolve('eventsource-parser'), /index\.cjs$/);
  });

  it('joins data lines, splits across chunks, skips comments, handles CRLF', async () => {
    assert.deepEqual(await read('id: 7\r\nevent: x\r\nda', 'ta: a\r\ndata: b\r\n\r\n: ping\n\ndata: c\n'), [
      { id: '7', event: 'x', data: 'a\nb' },
      { id: '7', event: 'message', data: 'c' },
    ]);
  });

  it('keeps the last id for messages without one (the api sends `end` without an id)', async () => {
    assert.deepEqual(await read('id: 41\ndata: {"line":"a"}\n\n', 'event: end\ndata: {"status":"SUCCEEDED"}\n\n'), [
      { id: '41', event: 'message', data: '{"line":"a"}' },
      { id: '41', event: 'end', data: '{"status":"SUCCEEDED"}' },
    ]);
  });

  it('reads bare-CR lines, a CRLF split between chunks, and a multi-byte character split between chunks', async () => {
    const bytes = new TextEncoder().encode('data: héllo\n\n');
    const at = bytes.indexOf(0xc3) + 1;
    assert.deepEqual(await read('data: a\rdata: b\r', '\n\r\n', bytes.slice(0, at), bytes.slice(at)), [
      { event: 'message', data: 'a\nb' },
      { event: 'message', data: 'héllo' },
    ]);
  });

  it('delivers a last message the stream closed on without its blank line, or mid-line', async () => {
    assert.deepEqual(await read('data: one\n\ndata: two'), [
      { event: 'message', data: 'one' },
      { event: 'message', data: 'two' },
    ]);
    assert.deepEqual(await read('data: one\n\n'), [{ event: 'message', data: 'one' }]);
    assert.deepEqual(await read(': keep-alive\n\n'), []);
  });

  it('takes `data:` without a space and an empty data line as the spec does', async () => {
    assert.deepEqual(await read('data:x\ndata:\n\nevent: error\ndata: {}\n\n'), [
      { event: 'message', data: 'x\n' },
      { event: 'error', data: '{}' },
    ]);
  });
});
