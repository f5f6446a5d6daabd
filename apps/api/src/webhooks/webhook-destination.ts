import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { allowListAdmits, normaliseHost, unmap, type AllowList } from './webhook-allow-list';

/** Name → addresses. Injected so tests never ask real DNS (no traffic off the machine). */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** ipaddr.js names every special-purpose range; only `unicast` is a public address. These are refused besides. */
const EXTRA_DENIED: Array<[string, number]> = [
  ['::', 96], // IPv4-compatible IPv6 (::a9fe:a9fe), ipaddr.js calls it unicast
  ['64:ff9b:1::', 48], // local-use NAT64
];

/** A user-facing reason when this address may not receive webhooks (undefined: public, fine). Pure. */
export function addressRefusal(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `'${address}' is not an IP address`;
  const parsed = ipaddr.parse(address);
  const addr = unmap(parsed);
  if (parsed !== addr) return `${address} is an IPv4-mapped IPv6 address (of ${addr.toString()}); use a public address`;
  const range = addr.range();
  if (range !== 'unicast') return `${addr.toString()} is a ${describe(range)} address; webhooks go to public addresses only`;
  if (addr.kind() === 'ipv6' && EXTRA_DENIED.some(([net, bits]) => (addr as ipaddr.IPv6).match(ipaddr.IPv6.parse(net), bits))) {
    return `${addr.toString()} embeds an IPv4 address (IPv4-compatible or NAT64); webhooks go to public addresses only`;
  }
  return undefined;
}

function describe(range: string): string {
  const names: Record<string, string> = {
    loopback: 'loopback',
    linkLocal: 'link-local',
    private: 'private',
    uniqueLocal: 'private (unique local)',
    carrierGradeNat: 'carrier-grade NAT',
    multicast: 'multicast',
    broadcast: 'broadcast',
    unspecified: 'unspecified',
    reserved: 'reserved or documentation',
    ipv4Mapped: 'IPv4-mapped',
    rfc6145: 'IPv4-translated',
    rfc6052: 'NAT64',
    '6to4': '6to4 (embeds an IPv4 address)',
    teredo: 'Teredo (embeds an IPv4 address)',
  };
  return names[range] ?? `special-purpose (${range})`;
}

export interface ParsedWebhookUrl {
  url: URL;
  /** Lower case, no brackets or trailing dots. */
  host: string;
  port: number;
  /** Set when the URL names an address rather than a host name. */
  literal?: string;
}

/**
 * Parses and normalises a webhook URL. The WHATWG parser turns every IPv4 spelling (decimal 2852039166, octal,
 * hex, short 127.1, full-width digits, trailing dot) into dotted form and IPv6 into its compressed form, so the
 * checks below see one notation. Throws a user-facing message.
 */
export function parseWebhookUrl(raw: unknown): ParsedWebhookUrl {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2000) throw new Error('"url" must be an absolute http(s) URL of at most 2000 characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('"url" must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('"url" must use http or https');
  // `http://a@127.0.0.1` reads as a host to a person and as userinfo to a client: refuse both parts outright.
  if (url.username || url.password || /^[a-z]+:\/\/[^/?#]*@/i.test(raw)) throw new Error('"url" must not contain credentials (user@host); put them in the receiver, or verify the signature header');
  const host = normaliseHost(url.hostname);
  if (!host) throw new Error('"url" has no host');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return ipaddr.isValid(host) ? { url, host, port, literal: host } : { url, host, port };
}

/** Names that always mean this machine, whatever DNS says. */
function hostNameRefusal(host: string): string | undefined {
  if (host === 'localhost' || host.endsWith('.localhost')) return `'${host}' is this machine; webhooks go to public addresses only`;
  return undefined;
}

export type DestinationVerdict = { ok: true; address: string; family: 4 | 6 } | { ok: false; reason: string };

/**
 * The one check, at registration and again right before every delivery: every address the host resolves to must
 * be public (or admitted by the admin's allow-list). Delivery then connects to the returned address, so DNS
 * cannot answer differently between the check and the connect (no rebinding).
 */
export async function checkDestination(target: ParsedWebhookUrl, allow: AllowList, resolve: Resolver): Promise<DestinationVerdict> {
  const admitted = (address: string) => allowListAdmits(allow, { host: target.host, port: target.port, address });
  if (target.literal) {
    const reason = admitted(target.literal) ? undefined : addressRefusal(target.literal);
    return reason ? { ok: false, reason } : { ok: true, address: target.literal, family: target.literal.includes(':') ? 6 : 4 };
  }
  const nameReason = hostNameRefusal(target.host);
  if (nameReason && !allowListAdmits(allow, { host: target.host, port: target.port })) return { ok: false, reason: nameReason };
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = await resolve(target.host);
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) // The same words as a private answer: registration must not tell which internal names exist.
    return { ok: false, reason: `'${target.host}' must resolve only to public addresses` };
  for (const a of addresses) {
    const reason = admitted(a.address) ? undefined : addressRefusal(a.address);
    // One private answer refuses the host: a client could be steered to it, and it tells of an internal name.
    if (reason) return { ok: false, reason: `'${target.host}' must resolve only to public addresses` };
  }
  const first = unmap(ipaddr.parse(addresses[0].address)).toString();
  return { ok: true, address: first, family: first.includes(':') ? 6 : 4 };
}
