import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

// Swagger UI's files come from swagger-ui-dist, declared in the root package.json for this page alone: a lock
// file that loses it (it once came only through @nestjs/swagger) turns the docs page blank, not the build red.
describe('/v1/docs (api process)', () => {
  let t: ApiUnderTest;

  before(async () => {
    t = await startApiUnderTest('api_openapi_docs');
  });

  after(async () => {
    await t?.stop();
  });

  it('serves the Swagger UI page and its two files without a token, and nothing else from the package', async () => {
    const page = await t.call('GET', '/v1/docs', { token: null });
    assert.equal(page.status, 200);
    assert.match(String(page.body), /SwaggerUIBundle\(\{ url: '\/v1\/openapi\.json'/);
    const bundle = await t.call('GET', '/v1/docs/swagger-ui-bundle.js', { token: null });
    assert.equal(bundle.status, 200);
    assert.match(String(bundle.headers.get('content-type')), /javascript/);
    assert.ok(String(bundle.body).length > 100_000, 'the whole bundle');
    const css = await t.call('GET', '/v1/docs/swagger-ui.css', { token: null });
    assert.equal(css.status, 200);
    assert.match(String(css.headers.get('content-type')), /text\/css/);
    assert.equal((await t.call('GET', '/v1/docs/package.json', { token: null })).status, 404);
  });

  it('keeps /healthz public with its { ok, checks } answer', async () => {
    const health = await t.call('GET', '/healthz', { token: null });
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { ok: true, checks: { postgres: 'ok', redis: 'ok' } });
  });
});
