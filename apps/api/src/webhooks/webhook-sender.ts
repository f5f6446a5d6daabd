import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ParsedWebhookUrl } from './webhook-destination';

export interface SendResult {
  /** The receiver's HTTP status, when one came back. */
  status?: number;
}

/**
 * One POST to the address that was checked, not to whatever the host name resolves to now: the socket connects
 * to `address` while Host and TLS SNI/certificate checks keep the URL's name. Redirects are not followed (an
 * answer is an answer). Any transport problem rejects with the same error, so callers cannot tell a closed
 * port from a silent one.
 */
export function postPinned(target: ParsedWebhookUrl, address: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendResult> {
  const https = target.url.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve, reject) => {
    const req = send({
      host: address,
      port: target.port,
      path: `${target.url.pathname}${target.url.search}`,
      method: 'POST',
      headers: { ...headers, host: target.url.host, 'content-length': String(Buffer.byteLength(body)) },
      // Certificate checks against the URL's name (not the address we dialled).
      ...(https && !target.literal ? { servername: target.host } : {}),
      agent: false,
      timeout: timeoutMs,
    });
    const timer = setTimeout(() => req.destroy(new Error('delivery failed')), timeoutMs);
    req.on('timeout', () => req.destroy(new Error('delivery failed')));
    req.on('error', () => {
      clearTimeout(timer);
      reject(new Error('delivery failed'));
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      resolve({ status: res.statusCode });
      // The status is all we keep: a receiver that streams a body forever must not hold the socket.
      res.on('error', () => undefined);
      res.destroy();
    });
    req.end(body);
  });
}
