import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { repoRoot } from '@skyport/dev-stack';
import { startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';

const TASK = 'resources:\n  cpus: 1\n  ports: 8080\nrun: echo hi\n';
const DOC_ID = 'https://skyport.invalid/openapi.json';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };

describe('live answers conform to the OpenAPI document (api process, real Postgres + Redis)', () => {
  let t: ApiUnderTest;
  let doc: Doc;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const checked = new Set<string>();

  /** Calls the api and checks the answer against the operation of `template`: status documented, body valid. */
  const conform = async (method: string, template: string, path: string, options: Parameters<ApiUnderTest['call']>[2] = {}) => {
    const res = await t.call(method, path, options);
    const op = doc.paths[template]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${template} is not in the document`);
    const status = String(res.status);
    const key = status in op.responses ? status : 'default';
    assert.ok(key in op.responses, `${method} ${path}: status ${status} is not documented`);
    assert.ok(status in op.responses || res.status >= 400, `${method} ${path}: success ${status} is not documented`);
    const content = op.responses[key].content ?? {};
    if ('application/json' in content) {
      assert.match(res.headers.get('content-type') ?? '', /application\/json/, `${method} ${path}: content type`);
      const pointer = `${DOC_ID}#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${key}/content/application~1json/schema`;
      const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
      assert.ok(validate(res.body), `${method} ${path} → ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 500)}`);
    }
    checked.add(`${method} ${template} ${status}`);
    return res;
  };

  before(async () => {
    t = await startApiUnderTest('api_openapi', {
      SKYPORT_API_RATE_LIMIT: '1000000',
      SKYPORT_API_RATE_LIMIT_ADDRESS: '1000000',
      SKYPORT_API_RATE_LIMIT_UNAUTHENTICATED: '1000000',
      SKYPORT_OUTBOX_RELAY: 'off',
      // The one loopback receiver webhooks may name here (nothing listens: no delivery succeeds).
      SKYPORT_WEBHOOK_ALLOW: '127.0.0.1:9',
    });
    doc = (await t.call('GET', '/v1/openapi.json', { token: null })).body as Doc;
    ajv.addSchema({ ...(doc as object), $id: DOC_ID });
  });

  after(async () => {
    await t?.stop();
  });

  it('answers of every JSON operation, successes and errors, match their schemas', async () => {
    await conform('GET', '/healthz', '/healthz', { token: null });
    await conform('GET', '/v1/info', '/v1/info');
    await conform('GET', '/v1/check', '/v1/check');
    await conform('GET', '/v1/gpus', '/v1/gpus?name=A100');
    await conform('GET', '/v1/gpus', '/v1/gpus?name=NOPE-9000');
    await conform('GET', '/v1/whoami', '/v1/whoami');
    await conform('GET', '/v1/whoami', '/v1/whoami', { token: null });
    await conform('POST', '/v1/teams', '/v1/teams', { body: { name: 'conf' } });
    await conform('POST', '/v1/teams', '/v1/teams', { body: { name: 'conf' } });
    await conform('POST', '/v1/users', '/v1/users', { body: { name: 'cleo', team: 'conf' } });
    await conform('POST', '/v1/users', '/v1/users', { body: { name: 'Bad Name' } });
    await conform('PATCH', '/v1/users/{user}', '/v1/users/cleo', { body: { role: 'user' } });
    await conform('GET', '/v1/users', '/v1/users');
    const token = (await conform('POST', '/v1/tokens', '/v1/tokens', { body: { user: 'cleo', name: 'c', expiresInDays: 30 } })).body.token as string;
    await conform('GET', '/v1/tokens', '/v1/tokens');
    await conform('GET', '/v1/teams', '/v1/teams');
    await conform('GET', '/v1/teams/{team}', '/v1/teams/conf');
    await conform('GET', '/v1/teams/{team}', '/v1/teams/none');
    await conform('PUT', '/v1/teams/{team}/namespaces', '/v1/teams/conf/namespaces', { body: { namespaces: [{ context: 'ctx', namespace: 'conf' }] } });
    await conform('PUT', '/v1/teams/{team}/quota', '/v1/teams/conf/quota', { body: { maxCpus: 2, maxGpus: { A100: 1 } } });
    await conform('PUT', '/v1/teams/{team}/quota', '/v1/teams/conf/quota', { body: { maxCpus: -1 } });

    const u = { token };
    const launched = await conform('POST', '/v1/clusters/{name}/launch', '/v1/clusters/conf-1/launch', { ...u, body: { task: TASK }, headers: { 'idempotency-key': 'k1' } });
    await conform('POST', '/v1/clusters/{name}/launch', '/v1/clusters/conf-1/launch', { ...u, body: { task: TASK }, headers: { 'idempotency-key': 'k1' } });
    await conform('POST', '/v1/clusters/{name}/launch', '/v1/clusters/conf-x/launch', { ...u, body: { task: TASK }, headers: { 'idempotency-key': 'k1' } });
    await conform('POST', '/v1/clusters/{name}/launch', '/v1/clusters/conf-2/launch', { ...u, body: { task: `${TASK}`.replace('cpus: 1', 'cpus: 2') } });
    await conform('POST', '/v1/clusters/{name}/launch', '/v1/clusters/conf-3/launch', { ...u, body: { task: TASK, failFast: true } });
    await conform('POST', '/v1/clusters/{name}/launch', '/v1/clusters/Bad_Name/launch', { ...u, body: { task: TASK } });
    await conform('POST', '/v1/clusters/{name}/launch', '/v1/clusters/conf-4/launch', { ...u, body: '{"task": ' });
    await conform('POST', '/v1/clusters/{name}/launch', '/v1/clusters/conf-4/launch', { ...u, body: { task: 'resources: [oops' } });
    await conform('POST', '/v1/clusters/{name}/exec', '/v1/clusters/conf-1/exec', { ...u, body: { task: TASK } });
    await conform('GET', '/v1/requests/{id}', `/v1/requests/${launched.body.requestId}`, u);
    await conform('GET', '/v1/requests/{id}', '/v1/requests/not-a-uuid', u);
    await conform('GET', '/v1/clusters', '/v1/clusters', u);
    await conform('GET', '/v1/clusters', '/v1/clusters?status=INIT,UP&limit=1', u);
    await conform('GET', '/v1/clusters', '/v1/clusters?status=NOPE', u);
    await conform('GET', '/v1/clusters/{name}', '/v1/clusters/conf-1', u);
    await conform('GET', '/v1/clusters/{name}', '/v1/clusters/conf-missing', u);
    await conform('GET', '/v1/clusters/{name}/jobs', '/v1/clusters/conf-1/jobs', u);
    await conform('GET', '/v1/clusters/{name}/endpoints', '/v1/clusters/conf-1/endpoints', u);
    await conform('GET', '/v1/queue', '/v1/queue', u);
    await conform('GET', '/v1/cost-report', '/v1/cost-report', u);
    await conform('POST', '/v1/clusters/{name}/jobs/cancel', '/v1/clusters/conf-1/jobs/cancel', { ...u, body: { jobIds: [1] } });
    await conform('POST', '/v1/clusters/{name}/jobs/cancel', '/v1/clusters/conf-1/jobs/cancel', { ...u, body: { jobIds: [99] } });
    await conform('POST', '/v1/clusters/{name}/down', '/v1/clusters/conf-2/down', u);
    await conform('POST', '/v1/clusters/{name}/down', '/v1/clusters/conf-1/down', { ...u, body: { purge: true } });
    await conform('GET', '/v1/audit', '/v1/audit?limit=5');
    await conform('GET', '/v1/audit', '/v1/audit', u);
    const hook = await conform('POST', '/v1/webhooks', '/v1/webhooks', { ...u, body: { url: 'http://127.0.0.1:9/hook', eventTypes: ['cluster.'] } });
    await conform('POST', '/v1/webhooks', '/v1/webhooks', { ...u, body: { url: 'ftp://x' } });
    await conform('POST', '/v1/webhooks', '/v1/webhooks', { ...u, body: { url: 'http://169.254.169.254/' } });
    await conform('GET', '/v1/webhooks', '/v1/webhooks', u);
    await conform('GET', '/v1/webhooks/{id}/deliveries', `/v1/webhooks/${hook.body.id}/deliveries`, u);
    await conform('DELETE', '/v1/webhooks/{id}', `/v1/webhooks/${hook.body.id}`, u);
    const tokens = await conform('GET', '/v1/tokens', '/v1/tokens', u);
    await conform('DELETE', '/v1/tokens/{id}', `/v1/tokens/${tokens.body.items[0].id}`, u);
    await conform('GET', '/v1/clusters', '/v1/clusters', u);
    assert.ok(checked.size >= 45, `${checked.size} operation/status pairs checked`);
  });

  it('schemathesis finds no 5xx, no answer contradicting the document and no hang', { timeout: 300_000 }, async () => {
    const fuzzer = await t.call('POST', '/v1/users', { body: { name: 'fuzzer-admin', role: 'admin', team: 'conf' } });
    assert.equal(fuzzer.status, 201);
    const token = (await t.call('POST', '/v1/tokens', { body: { user: 'fuzzer-admin', name: 'fuzz' } })).body.token as string;
    const script = join(repoRoot(), 'test', 'api', 'schemathesis.sh');
    const child = spawn('bash', [script, t.base, token, '4', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const hardStop = setTimeout(() => child.kill('SIGKILL'), 240_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(hardStop);
    const summary = output.trim().split('\n').slice(-12).join('\n');
    assert.equal(code, 0, `schemathesis failed (exit ${code}):\n${output.slice(-6000)}`);
    process.stdout.write(`schemathesis:\n${summary}\n`);
  });
});
