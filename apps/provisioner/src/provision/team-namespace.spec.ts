import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { namespaceFor } from './team-namespace';

const placement = { team: 'ml', namespaces: [{ context: 'ctx-a', namespace: 'ml-a' }, { context: 'ctx-a', namespace: 'ml-a2' }] };

test("a team's launch goes into the team's namespace the plan chose, else its first on the context; config namespaces do not apply", () => {
  const base = { context: 'ctx-a', settingsNamespace: 'shared', contextDefault: 'default' };
  assert.equal(namespaceFor({ ...base, payload: { placement }, candidateNamespace: 'ml-a2' }), 'ml-a2');
  assert.equal(namespaceFor({ ...base, payload: { placement }, candidateNamespace: 'other-team' }), 'ml-a');
  assert.equal(namespaceFor({ ...base, payload: { placement } }), 'ml-a');
});

test('a context where the team has no namespace is refused with a clear reason', () => {
  assert.throws(
    () => namespaceFor({ payload: { placement }, context: 'ctx-b', candidateNamespace: 'x', contextDefault: 'default' }),
    (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.Forbidden && /team 'ml' has no namespace on context 'ctx-b'/.test(e.userMessage),
  );
});

test('without a placement: settings, then the candidate, then the context default', () => {
  assert.equal(namespaceFor({ payload: {}, context: 'c', settingsNamespace: 's', candidateNamespace: 'n', contextDefault: 'd' }), 's');
  assert.equal(namespaceFor({ payload: {}, context: 'c', candidateNamespace: 'n', contextDefault: 'd' }), 'n');
  assert.equal(namespaceFor({ payload: null, context: 'c', contextDefault: 'd' }), 'd');
});
