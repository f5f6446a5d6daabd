import ipaddr from 'ipaddr.js';

/**
 * Internal receivers an admin lets webhooks reach although their address is not public: server configuration
 * only (SKYPORT_WEBHOOK_ALLOW), never a user's choice. Entries are `host:port` (a name or an IP literal, IPv6 in
 * brackets; that port only) or a CIDR (`10.1.0.0/16`, `127.0.0.1/32`; any port).
 */
export interface AllowList {
  cidrs: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
  hostPorts: Array<{ host: string; port: number }>;
}

export const EMPTY_ALLOW_LIST: AllowList = { cidrs: [], hostPorts: [] };

/** Parses the comma-separated setting; throws a message naming the bad entry (the config loader prints it). */
export function parseAllowList(raw: string | undefined): AllowList {
  const list: AllowList = { cidrs: [], hostPorts: [] };
  for (const entry of (raw ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    if (entry.includes('/')) {
      try {
        const [addr, bits] = ipaddr.parseCIDR(entry);
        list.cidrs.push([unmap(addr), addr.kind() === 'ipv6' && unmap(addr).kind() === 'ipv4' ? Math.max(0, bits - 96) : bits]);
        continue;
      } catch {
        throw new Error(`SKYPORT_WEBHOOK_ALLOW: '${entry}' is not a CIDR such as 10.1.0.0/16`);
      }
    }
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(entry);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) throw new Error(`SKYPORT_WEBHOOK_ALLOW: '${entry}' must be host:port (e.g. hooks.internal:8443, 127.0.0.1:9000, [fd00::1]:80) or a CIDR`);
    list.hostPorts.push({ host: normaliseHost(m[1]), port });
  }
  return list;
}

/** Whether the admin admitted this destination: a CIDR holding the address, or the exact host (or address) and port. */
export function allowListAdmits(list: AllowList, dest: { host: string; port: number; address?: string }): boolean {
  const host = normaliseHost(dest.host);
  const address = dest.address && ipaddr.isValid(dest.address) ? unmap(ipaddr.parse(dest.address)) : undefined;
  for (const hp of list.hostPorts) {
    if (hp.port !== dest.port) continue;
    if (hp.host === host) return true;
    if (address && ipaddr.isValid(hp.host) && unmap(ipaddr.parse(hp.host)).toString() === address.toString()) return true;
  }
  if (!address) return false;
  return list.cidrs.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits));
}

/** Lower case, no brackets, no trailing dots; IP literals in their canonical form. */
export function normaliseHost(host: string): string {
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.+$/, '');
  return ipaddr.isValid(bare) ? unmap(ipaddr.parse(bare)).toString() : bare;
}

/** An IPv4-mapped IPv6 address as the IPv4 address it carries (so one rule covers both spellings). */
export function unmap(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr;
}
