import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException } from '@kubernetes/client-node';
import { ErrorCode } from '@skyport/contracts';
import { isKubeNotFound, translateKubeError } from './kube-error.translator';

const op = { verb: 'create', resource: 'pods', name: 'c1-head', namespace: 'team-a', context: 'ctx-a' };

test('connection refused → unreachable with a kubectl hint', () => {
  const err = Object.assign(new Error('request to https://127.0.0.1:1/api failed, reason: connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', type: 'system' });
  const e = translateKubeError(err, op);
  assert.equal(e.code, ErrorCode.KubernetesUnavailable);
  assert.equal(e.details?.kind, 'unreachable');
  assert.match(e.userMessage, /cannot be reached.*kubectl --context ctx-a cluster-info/);
});

test('401 → unauthorized', () => {
  const e = translateKubeError(new ApiException(401, 'Unauthorized', undefined, {}), op);
  assert.equal(e.details?.kind, 'unauthorized');
  assert.equal(e.code, ErrorCode.KubernetesForbidden);
  assert.match(e.userMessage, /credentials/);
});

test('403 names the verb, the resource and the namespace', () => {
  const body = JSON.stringify({ kind: 'Status', message: 'pods is forbidden: User "x" cannot create resource "pods"', reason: 'Forbidden', code: 403 });
  const e = translateKubeError(new ApiException(403, 'Unknown API Status Code!', body, {}), op);
  assert.equal(e.details?.kind, 'forbidden');
  assert.match(e.userMessage, /permission to create pods in namespace "team-a"/);
  assert.match(e.userMessage, /kubectl --context ctx-a auth can-i create pods -n team-a/);
});

test('404 is not-found and recognisable', () => {
  const e = translateKubeError(new ApiException(404, 'x', '{"reason":"NotFound"}', {}), op);
  assert.equal(e.code, ErrorCode.NotFound);
  assert.ok(isKubeNotFound(e));
  assert.ok(isKubeNotFound(new ApiException(404, 'x', '', {})));
});

test('409 conflict', () => {
  assert.equal(translateKubeError(new ApiException(409, 'x', { reason: 'AlreadyExists' }, {}), op).code, ErrorCode.Conflict);
});

test('422 lists the field causes', () => {
  const body = {
    kind: 'Status',
    reason: 'Invalid',
    message: 'Pod "c1-head" is invalid: ...',
    details: { causes: [{ field: 'spec.containers[0].volumeMounts[0].name', message: 'Not found: "data"', reason: 'FieldValueNotFound' }] },
  };
  const e = translateKubeError(new ApiException(422, 'x', JSON.stringify(body), {}), op);
  assert.equal(e.details?.kind, 'invalid');
  assert.match(e.userMessage, /spec\.containers\[0\]\.volumeMounts\[0\]\.name: Not found: "data"/);
});

test('websocket upgrade refusal carries its status', () => {
  const e = translateKubeError(new Error('Unexpected server response: 403'), { verb: 'create', resource: 'pods/exec' });
  assert.equal(e.details?.kind, 'forbidden');
});

test('5xx → server, never the raw body', () => {
  const e = translateKubeError(new ApiException(503, 'x', 'secret-ish body', {}), op);
  assert.equal(e.details?.kind, 'server');
  assert.doesNotMatch(e.userMessage, /secret-ish/);
});

test('a connection cut mid-stream (premature close) is unreachable too', () => {
  const err = Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
  assert.equal(translateKubeError(err, op).details?.kind, 'unreachable');
});
