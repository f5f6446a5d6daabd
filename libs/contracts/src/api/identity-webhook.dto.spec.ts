import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NamespacesBodySchema, TeamCreateSchema, TokenCreateSchema, UserCreateSchema, UserPatchSchema } from './identity.dto';
import { WebhookCreateSchema } from './webhook.dto';
import { readRestBody } from './rest-body';
import { refusal } from './rest-body.testing';

const NAME_RULE = "must be 1–64 lower-case letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

describe('identity bodies', () => {
  it('users: a name, an optional role, kind and team; unknown fields are ignored as before', () => {
    assert.deepEqual(readRestBody(UserCreateSchema, { name: 'cleo', team: null, extra: 1 }), { name: 'cleo', team: null });
    assert.equal(refusal(UserCreateSchema, { name: 'Bad Name' }), `the user name ${NAME_RULE}; not "Bad Name"`);
    assert.equal(refusal(UserCreateSchema, {}), `the user name ${NAME_RULE}; not nothing`);
    assert.equal(refusal(UserCreateSchema, { name: 'cleo', role: 'root' }), `"role" must be 'admin' or 'user', not "root"`);
    assert.equal(refusal(UserCreateSchema, { name: 'cleo', kind: 'robot' }), `"kind" must be 'user' or 'service', not "robot"`);
    assert.equal(refusal(UserCreateSchema, { name: 'cleo', team: 'A' }), `the team name ${NAME_RULE}; not "A"`);
    assert.equal(refusal(UserCreateSchema, 'cleo'), 'the request body must be a JSON object');
    assert.equal(refusal(UserPatchSchema, { disabled: 'yes' }), '"disabled" must be true or false, not "yes"');
    assert.equal(refusal(UserPatchSchema, { role: null }), `"role" must be 'admin' or 'user', not null`);
    assert.deepEqual(readRestBody(UserPatchSchema, { team: null }), { team: null });
    assert.equal(refusal(TeamCreateSchema, { name: 'x'.repeat(65) }), `the team name ${NAME_RULE}; not "${'x'.repeat(38)}…`);
  });

  it('namespaces: a list of at most 200 {context, namespace}, each field named with its index', () => {
    assert.deepEqual(readRestBody(NamespacesBodySchema, { namespaces: [{ context: 'kind-a', namespace: 'team-a' }] }), { namespaces: [{ context: 'kind-a', namespace: 'team-a' }] });
    assert.equal(refusal(NamespacesBodySchema, {}), '"namespaces" must be a list of {context, namespace} (at most 200), not nothing');
    assert.match(refusal(NamespacesBodySchema, { namespaces: Array(201).fill({ context: 'c', namespace: 'n' }) }), /^"namespaces" must be a list of \{context, namespace\} \(at most 200\), not \[/);
    assert.equal(refusal(NamespacesBodySchema, { namespaces: [{ context: 'c', namespace: 'n' }, 'x'] }), '"namespaces.1" must be {"context": "<kube context>", "namespace": "<DNS-1123 label>"}, not "x"');
    assert.equal(refusal(NamespacesBodySchema, { namespaces: [{ context: 'c', namespace: 'Team_A' }] }), '"namespaces.0.namespace" must be a DNS-1123 label, not "Team_A"');
    assert.equal(refusal(NamespacesBodySchema, { namespaces: [{ context: '', namespace: 'a' }] }), '"namespaces.0.context" must be a kube context name (1–253 characters), not ""');
  });

  it('tokens: name defaults to "token"; expiry in days (0–3650] or as a time', () => {
    assert.deepEqual(readRestBody(TokenCreateSchema, {}), { name: 'token' });
    assert.deepEqual(readRestBody(TokenCreateSchema, { name: 'ci', expiresInDays: 1, expiresAt: null }), { name: 'ci', expiresInDays: 1, expiresAt: null });
    assert.equal(refusal(TokenCreateSchema, { name: '' }), '"name" must be 1–100 characters, not ""');
    assert.equal(refusal(TokenCreateSchema, { expiresInDays: 0 }), '"expiresInDays" must be a number of days between 0 and 3650, not 0');
    assert.equal(refusal(TokenCreateSchema, { expiresInDays: '3' }), '"expiresInDays" must be a number of days between 0 and 3650, not "3"');
    assert.equal(refusal(TokenCreateSchema, { expiresAt: 'tomorrow' }), '"expiresAt" must be an RFC 3339 time, not "tomorrow"');
    assert.equal(refusal(TokenCreateSchema, { expiresAt: '+010000-01-01T00:00:00Z' }), '"expiresAt" must be an RFC 3339 time, not "+010000-01-01T00:00:00Z"');
    assert.equal(refusal(TokenCreateSchema, { user: 7 }), '"user" must be a user name or id, not 7');
  });
});

describe('webhook body', () => {
  it('url, eventTypes and team; anything else is named', () => {
    assert.deepEqual(readRestBody(WebhookCreateSchema, { url: 'https://hooks.example.com/in', eventTypes: ['cluster.'] }), { url: 'https://hooks.example.com/in', eventTypes: ['cluster.'] });
    assert.equal(refusal(WebhookCreateSchema, { url: 'https://h/', secret: 'x' }), 'unknown field(s): secret; a webhook has url, eventTypes and (admins) team');
    assert.equal(refusal(WebhookCreateSchema, { url: 5 }), '"url" must be an absolute http(s) URL of at most 2000 characters, not 5');
    assert.equal(refusal(WebhookCreateSchema, { url: 'https://h/', eventTypes: ['Cluster'] }), '"eventTypes" must be a list of event type prefixes such as "cluster." or "job.failed" (at most 50), not "Cluster"');
    assert.equal(refusal(WebhookCreateSchema, { url: 'https://h/', team: 3 }), '"team" must be a team name, or null for every team, not 3');
    assert.equal(refusal(WebhookCreateSchema, []), 'the request body must be {"url": "...", "eventTypes": [...]}');
  });
});
