import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_ALLOW_LIST, parseAllowList } from './webhook-allow-list';
import { addressRefusal, checkDestination, parseWebhookUrl, type Resolver } from './webhook-destination';
import { deliverChecked } from './webhook-delivery';

/** A resolver that never asks DNS: names map to fixed answers; any other name fails. Counts the questions. */
function stubResolver(answers: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = (async (host: string) => {
    asked.push(host);
    const a = answers[host];
    if (!a) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }) as Resolver & { asked: string[] };
  resolve.asked = asked;
  return resolve;
}

const noDns = stubResolver({});

/** Every one of these must be refused, whatever the notation (none is ever dialled: this is a pure check). */
const REFUSED: Array<[string, RegExp]> = [
  ['http://169.254.169.254/latest/meta-data', /link-local/],
  ['http://2852039166/', /link-local/],
  ['http://0251.0376.0251.0376/', /link-local/],
  ['http://0xa9fea9fe/', /link-local/],
  ['http://0xA9.0xFE.0xA9.0xFE/', /link-local/],
  ['http://169.254.43518/', /link-local/],
  ['http://[::ffff:169.254.169.254]/', /link-local/],
  ['http://[::ffff:a9fe:a9fe]/', /link-local/],
  ['http://[0:0:0:0:0:ffff:a9fe:a9fe]/', /link-local/],
  ['http://169.254.169.254./', /link-local/],
  ['http://[fe80::1]/', /link-local/],
  ['http://127.0.0.1:26432/', /loopback/],
  ['http://127.1/', /loopback/],
  ['http://127.0.0.1./', /loopback/],
  ['http://0x7f.1/', /loopback/],
  ['http://017700000001/', /loopback/],
  ['http://2130706433/', /loopback/],
  ['http://①②⑦.0.0.1/', /loopback/],
  ['http://[::1]/', /loopback/],
  ['http://[::ffff:127.0.0.1]/', /loopback/],
  ['http://[::ffff:7f00:1]:5432/', /loopback/],
  ['http://localhost/', /this machine/],
  ['http://LOCALHOST./', /this machine/],
  ['http://api.localhost/', /this machine/],
  ['http://a.b.localhost../', /this machine/],
  ['http://10.0.0.1/', /private/],
  ['http://10.255.255.255/', /private/],
  ['http://172.16.0.1/', /private/],
  ['http://172.31.255.254/', /private/],
  ['http://192.168.1.1/', /private/],
  ['http://[fc00::1]/', /private/],
  ['http://[fd12:3456::1]/', /private/],
  ['http://100.64.0.1/', /carrier-grade NAT/],
  ['http://100.127.255.254/', /carrier-grade NAT/],
  ['http://224.0.0.1/', /multicast/],
  ['http://239.255.255.250/', /multicast/],
  ['http://[ff02::1]/', /multicast/],
  ['http://255.255.255.255/', /broadcast/],
  ['http://0.0.0.0/', /unspecified/],
  ['http://0/', /unspecified/],
  ['http://0.1.2.3/', /unspecified/],
  ['http://[::]/', /unspecified/],
  ['http://192.0.2.1/', /reserved or documentation/],
  ['http://198.51.100.7/', /reserved or documentation/],
  ['http://203.0.113.9/', /reserved or documentation/],
  ['http://198.18.0.1/', /reserved or documentation/],
  ['http://240.0.0.1/', /reserved or documentation/],
  ['http://[2001:db8::1]/', /reserved or documentation/],
  ['http://[::a9fe:a9fe]/', /embeds an IPv4/],
  ['http://[::127.0.0.1]/', /embeds an IPv4|loopback/],
  ['http://[64:ff9b::a9fe:a9fe]/', /NAT64/],
  ['http://[64:ff9b:1::a9fe:a9fe]/', /NAT64|embeds/],
  ['http://[2002:a9fe:a9fe::1]/', /6to4/],
  ['http://[2001::1]/', /Teredo/],
  ['http://[::ffff:0:a9fe:a9fe]/', /IPv4-translated/],
  ['https://[::ffff:10.0.0.1]:8443/x', /private/],
];

describe('webhook destination guard (pure: no connection, no DNS)', () => {
  for (const [url, reason] of REFUSED) {
    it(`refuses ${url}`, async () => {
      const verdict = await checkDestination(parseWebhookUrl(url), EMPTY_ALLOW_LIST, noDns);
      assert.equal(verdict.ok, false, `${url} must be refused`);
      assert.match((verdict as { reason: string }).reason, reason);
    });
  }

  it('never asks DNS for an address literal or a localhost name', () => {
    assert.deepEqual(noDns.asked, []);
  });

  it('refuses credentials and userinfo tricks, and non-http schemes, before anything else', () => {
    for (const url of ['http://a@127.0.0.1/', 'http://user:pw@hooks.example.com/', 'http://hooks.example.com@169.254.169.254/', 'http://@127.0.0.1/', 'http://:@10.0.0.1/']) {
      assert.throws(() => parseWebhookUrl(url), /credentials/, url);
    }
    for (const url of ['ftp://hooks.example.com/', 'file:///etc/passwd', 'gopher://127.0.0.1/', 'javascript:alert(1)', 'not a url', '', 42, `http://h.example.com/${'a'.repeat(2001)}`]) {
      assert.throws(() => parseWebhookUrl(url), /url/, String(url).slice(0, 40));
    }
  });

  it('admits public addresses and public names', async () => {
    for (const url of ['https://8.8.8.8/hook', 'http://[2606:4700::1111]/', 'https://93.184.215.14:8443/x']) {
      const verdict = await checkDestination(parseWebhookUrl(url), EMPTY_ALLOW_LIST, noDns);
      assert.equal(verdict.ok, true, url);
    }
    const dns = stubResolver({ 'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] });
    const verdict = await checkDestination(parseWebhookUrl('https://Hooks.Example.com./in'), EMPTY_ALLOW_LIST, dns);
    assert.deepEqual(verdict, { ok: true, address: '93.184.215.14', family: 4 });
    assert.deepEqual(dns.asked, ['hooks.example.com']);
  });

  it('refuses a name when any of its addresses is not public (DNS rebinding, split answers), or it does not resolve', async () => {
    const dns = stubResolver({
      'rebind.example.com': ['93.184.215.14', '169.254.169.254'],
      'mapped.example.com': ['::ffff:169.254.169.254'],
      'inside.example.com': ['10.1.2.3'],
    });
    for (const host of ['rebind.example.com', 'mapped.example.com', 'inside.example.com', 'nxdomain.example.com']) {
      const verdict = await checkDestination(parseWebhookUrl(`https://${host}/`), EMPTY_ALLOW_LIST, dns);
      assert.equal(verdict.ok, false, host);
      assert.match((verdict as { reason: string }).reason, /must resolve (only )?to public addresses/);
    }
  });

  it('the admin allow-list admits exactly what it names: host:port (that port only) or a CIDR', async () => {
    const allow = parseAllowList('127.0.0.1:9000, hooks.internal:8443, 10.20.0.0/16, [fd00::5]:80');
    const dns = stubResolver({ 'hooks.internal': ['10.9.9.9'], 'other.internal': ['10.9.9.9'] });
    const ok = ['http://127.0.0.1:9000/', 'http://[::ffff:127.0.0.1]:9000/', 'https://hooks.internal:8443/', 'http://10.20.3.4:1234/', 'http://[fd00::5]/'];
    const refused = ['http://127.0.0.1:9001/', 'http://127.0.0.2:9000/', 'https://hooks.internal/', 'https://other.internal:8443/', 'http://10.21.0.1/', 'http://localhost:9000/', 'http://[fd00::6]/'];
    for (const url of ok) assert.equal((await checkDestination(parseWebhookUrl(url), allow, dns)).ok, true, url);
    for (const url of refused) assert.equal((await checkDestination(parseWebhookUrl(url), allow, dns)).ok, false, url);
    assert.throws(() => parseAllowList('10.0.0.0/99'), /SKYPORT_WEBHOOK_ALLOW/);
    assert.throws(() => parseAllowList('hooks.internal'), /host:port/);
  });

  it('addressRefusal is undefined only for public unicast', () => {
    assert.equal(addressRefusal('1.1.1.1'), undefined);
    assert.equal(addressRefusal('2606:4700:4700::1111'), undefined);
    assert.match(addressRefusal('not-an-ip') ?? '', /not an IP/);
  });
});

describe('delivery re-checks at send time and dials the checked address only', () => {
  it('a name that now resolves to a private address is never dialled; the failure says nothing more', async () => {
    const dialled: string[] = [];
    const post = (async (_t: unknown, address: string) => {
      dialled.push(address);
      return { status: 200 };
    }) as never;
    const dns = stubResolver({ 'rebound.example.com': ['169.254.169.254'] });
    const result = await deliverChecked('https://rebound.example.com/hook', { allow: EMPTY_ALLOW_LIST, resolve: dns, timeoutMs: 1000, post }, {}, '{}');
    assert.deepEqual(result, {});
    assert.deepEqual(dialled, []);
  });

  it('a public answer is dialled by address (pinned), not by name', async () => {
    const dialled: Array<{ host: string; address: string }> = [];
    const post = (async (t: { host: string }, address: string) => {
      dialled.push({ host: t.host, address });
      return { status: 204 };
    }) as never;
    const dns = stubResolver({ 'hooks.example.com': ['93.184.215.14'] });
    const result = await deliverChecked('https://hooks.example.com/hook', { allow: EMPTY_ALLOW_LIST, resolve: dns, timeoutMs: 1000, post }, {}, '{}');
    assert.deepEqual(result, { status: 204 });
    assert.deepEqual(dialled, [{ host: 'hooks.example.com', address: '93.184.215.14' }]);
  });

  it('a stored URL that is no longer allowed (allow-list shrank) is not dialled', async () => {
    let dialled = 0;
    const post = (async () => {
      dialled++;
      return { status: 200 };
    }) as never;
    const result = await deliverChecked('http://127.0.0.1:9/', { allow: EMPTY_ALLOW_LIST, resolve: noDns, timeoutMs: 1000, post }, {}, '{}');
    assert.deepEqual(result, {});
    assert.equal(dialled, 0);
  });
});
