/** One Server-Sent Event. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/**
 * Reads Server-Sent Events from a byte stream (WHATWG event-stream format): `field: value` lines, messages
 * separated by a blank line, `:` comments (heartbeats) ignored, several `data:` lines joined by newlines.
 */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  const flush = (): SseMessage | undefined => {
    if (data.length === 0 && !event) return undefined;
    const message: SseMessage = { event: event || 'message', data: data.join('\n') };
    if (id !== undefined) message.id = id;
    data = [];
    event = '';
    return message;
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        const message = flush();
        if (message) yield message;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id') id = value;
    }
  }
  const last = flush();
  if (last) yield last;
}
