import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One Server-Sent Event. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/**
 * Reads Server-Sent Events from a byte stream with `eventsource-parser` (WHATWG event-stream format: CR/LF/CRLF
 * lines, `:` comments (heartbeats) skipped, several `data:` lines joined by newlines).
 *
 * Two things are ours, on purpose: `id` is the last id the stream sent, as a browser's `lastEventId` (an `end`
 * message carries none of its own, and resuming needs the one before it); and a message the server closed the
 * stream on without its blank line is still delivered (a proxy that cut the last frame short must not lose it).
 */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let lastId: string | undefined;
  let ready: SseMessage[] = [];
  const parser = createParser({
    onEvent: (parsed: EventSourceMessage) => {
      if (parsed.id !== undefined) lastId = parsed.id;
      const message: SseMessage = { event: parsed.event || 'message', data: parsed.data };
      if (lastId !== undefined) message.id = lastId;
      ready.push(message);
    },
  });
  const drain = (): SseMessage[] => {
    const out = ready;
    ready = [];
    return out;
  };
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    yield* drain();
  }
  // Ends an unterminated last line, then the message it belongs to (a no-op after a complete message).
  parser.feed(decoder.decode() + '\n\n');
  yield* drain();
}
