import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { freePort } from '@skyport/dev-stack';
import { eventually, startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';
import { verifySignature } from './webhook-signature';

const TASK = 'resources:\n  cpus: 1\nrun: echo hi\n';

interface Hit {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

describe('webhooks: signed, retried with backoff, logged (api process, real Postgres, local receiver)', () => {
  let t: ApiUnderTest;
  let receiver: Server;
  let url: string;
  /** A loopback port nothing listens on, admitted by the allow-list: a delivery there fails like any other. */
  let closedUrl: string;
  const hits: Hit[] = [];
  let failuresLeft = 2;

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const answered = failuresLeft-- > 0 ? 503 : 200;
        hits.push({ headers: req.headers, body, answered });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    url = `http://127.0.0.1:${port}/hook`;
    const closed = await freePort();
    closedUrl = `http://127.0.0.1:${closed}/hook`;
    // Loopback receivers are refused unless the admin lists them: this test's receiver (and the closed port) only.
    t = await startApiUnderTest('api_webhooks', {
      SKYPORT_WEBHOOK_BACKOFF_MS: '200',
      SKYPORT_WEBHOOK_MAX_ATTEMPTS: '5',
      SKYPORT_WEBHOOK_ALLOW: `127.0.0.1:${port},127.0.0.1:${closed}`,
      SKYPORT_WEBHOOKS_PER_TEAM: '3',
    });
  });

  after(async () => {
    await t?.stop();
    await new Promise((r) => receiver?.close(r));
  });

  it('a receiver that fails twice gets the event on the third try, signed, and then no more', async () => {
    const hooks = await t.userIn('hooks', 'hana');
    const others = await t.userIn('others', 'otto');
    const created = await t.call('POST', '/v1/webhooks', { token: hooks.token, body: { url, eventTypes: ['request.'] } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const secret = created.body.secret as string;
    assert.match(secret, /^whsec_/);
    const listed = await t.call('GET', '/v1/webhooks', { token: hooks.token });
    assert.equal(listed.body.items.length, 1);
    assert.ok(!JSON.stringify(listed.body).includes(secret));
    assert.deepEqual((await t.call('GET', '/v1/webhooks', { token: others.token })).body.items, []);

    // Another team's launch is not sent to this team's webhook.
    assert.equal((await t.call('POST', '/v1/clusters/not-mine/launch', { token: others.token, body: { task: TASK } })).status, 202);
    const launch = await t.call('POST', '/v1/clusters/hooked/launch', { token: hooks.token, body: { task: TASK } });
    assert.equal(launch.status, 202);

    const deliveriesPath = `/v1/webhooks/${created.body.id}/deliveries`;
    const delivered = await eventually(
      async () => {
        const d = await t.call('GET', deliveriesPath, { token: hooks.token });
        return d.body.items.find((i: { state: string }) => i.state === 'delivered');
      },
      20_000,
      'the delivery',
    );
    assert.equal(delivered.attempts, 3);
    assert.deepEqual(delivered.log.map((l: { status: number }) => l.status), [503, 503, 200]);
    assert.ok(delivered.deliveredAt);

    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(hits.length, 3, 'acknowledged: no more tries');
    const bodies = hits.map((h) => JSON.parse(h.body) as { deliveryId: string; event: { id: string; type: string; clusterName: string; requestId: string } });
    assert.ok(bodies.every((b) => b.deliveryId === bodies[0].deliveryId && b.event.id === bodies[0].event.id));
    assert.equal(bodies[0].event.type, 'request.accepted');
    assert.equal(bodies[0].event.clusterName, 'hooked');
    assert.equal(bodies[0].event.requestId, launch.body.requestId);
    for (const hit of hits) {
      assert.ok(verifySignature(secret, hit.body, String(hit.headers['x-skyport-signature'])), 'signed with the webhook secret');
      assert.equal(hit.headers['x-skyport-event'], 'request.accepted');
    }
    assert.ok(!verifySignature('whsec_wrong', hits[0].body, String(hits[0].headers['x-skyport-signature'])));
    // Retries were spaced by the backoff (200 ms, then 400 ms).
    const times = delivered.log.map((l: { at: string }) => Date.parse(l.at));
    assert.ok(times[1] - times[0] >= 150 && times[2] - times[1] >= 350, `backoff between tries: ${times.join(', ')}`);
  });

  it('a deleted webhook stops; only its team (or an admin) sees it', async () => {
    const list = await t.call('GET', '/v1/webhooks');
    const id = list.body.items[0].id as string;
    const stranger = await t.userIn('strangers', 'sam');
    assert.equal((await t.call('DELETE', `/v1/webhooks/${id}`, { token: stranger.token })).status, 404);
    assert.equal((await t.call('GET', `/v1/webhooks/${id}/deliveries`, { token: stranger.token })).status, 404);
    const removed = await t.call('DELETE', `/v1/webhooks/${id}`);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.disabled, true);
  });

  it('refuses internal destinations in every notation at registration (403, naming the rule), and writes nothing', async () => {
    const user = await t.userIn('hooks', 'hugo');
    const refused = [
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:169.254.169.254]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://2852039166/',
      'http://0251.0376.0251.0376/',
      'http://0xa9fea9fe/',
      'http://127.1:26432/',
      'http://127.0.0.1:26432/',
      'http://127.0.0.1./',
      'http://localhost/',
      'http://api.localhost/',
      'http://10.0.0.1/',
      'http://172.16.5.4/',
      'http://192.168.0.1/',
      'http://100.64.0.1/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://[::1]/',
      'http://0.0.0.0/',
      'http://224.0.0.1/',
      'http://[64:ff9b::a9fe:a9fe]/',
      url.replace('127.0.0.1', '127.0.0.2'),
      url.replace(/:\d+\//, ':9/'),
    ];
    const before = await t.pg.query('SELECT count(*)::int AS n FROM webhooks');
    for (const bad of refused) {
      const res = await t.call('POST', '/v1/webhooks', { token: user.token, body: { url: bad } });
      assert.equal(res.status, 403, `${bad}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.message, /webhook refused: .*(loopback|link-local|private|carrier-grade|unspecified|multicast|NAT64|this machine)/, bad);
      assert.match(res.body.message, /SKYPORT_WEBHOOK_ALLOW/);
    }
    for (const bad of ['http://a@127.0.0.1/', 'http://user:pw@10.0.0.1/', 'file:///etc/passwd', 'gopher://127.0.0.1/']) {
      const res = await t.call('POST', '/v1/webhooks', { token: user.token, body: { url: bad } });
      assert.equal(res.status, 400, `${bad}: ${JSON.stringify(res.body)}`);
    }
    assert.equal((await t.pg.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n, before.rows[0].n, 'nothing written');
  });

  it('a team has at most SKYPORT_WEBHOOKS_PER_TEAM active webhooks', async () => {
    const user = await t.userIn('capped', 'cora');
    for (let i = 0; i < 3; i++) assert.equal((await t.call('POST', '/v1/webhooks', { token: user.token, body: { url } })).status, 201);
    const over = await t.call('POST', '/v1/webhooks', { token: user.token, body: { url } });
    assert.equal(over.status, 409);
    assert.match(over.body.message, /team 'capped' has already 3 webhooks, the limit is 3/);
    const first = (await t.call('GET', '/v1/webhooks', { token: user.token })).body.items[0].id as string;
    assert.equal((await t.call('DELETE', `/v1/webhooks/${first}`, { token: user.token })).status, 200);
    assert.equal((await t.call('POST', '/v1/webhooks', { token: user.token, body: { url } })).status, 201, 'a deleted one frees its place');
  });

  it('a failed delivery says only "delivery failed": no connection detail, no timing', async () => {
    const user = await t.userIn('closed', 'cleo');
    const created = await t.call('POST', '/v1/webhooks', { token: user.token, body: { url: closedUrl, eventTypes: ['request.'] } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await t.call('POST', '/v1/clusters/closed-hook/launch', { token: user.token, body: { task: TASK } })).status, 202);
    const tried = await eventually(
      async () => (await t.call('GET', `/v1/webhooks/${created.body.id}/deliveries`, { token: user.token })).body.items.find((i: { attempts: number }) => i.attempts >= 2),
      20_000,
      'two failed tries',
    );
    assert.equal(tried.lastError, 'delivery failed');
    assert.equal(tried.lastStatus, null);
    for (const entry of tried.log) assert.deepEqual(Object.keys(entry).sort(), ['at', 'error']);
    assert.doesNotMatch(JSON.stringify(tried), /ECONNREFUSED|refused|timeout|connect|127\.0\.0\.1/i);
  });
});
