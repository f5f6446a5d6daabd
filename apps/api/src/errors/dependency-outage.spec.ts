import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dependencyOutage } from './dependency-outage';

test('Postgres shutdown and connection SQLSTATEs are database outages, also when TypeORM wraps them', () => {
  assert.equal(dependencyOutage({ code: '57P01', message: 'terminating connection due to administrator command' }), 'database');
  assert.equal(dependencyOutage({ name: 'QueryFailedError', message: 'x', driverError: { code: '08006' } }), 'database');
  assert.equal(dependencyOutage({ message: 'the database system is starting up' }), 'database');
});

test('a refused connection is an outage, also inside an AggregateError', () => {
  assert.equal(dependencyOutage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })), 'database');
  assert.equal(dependencyOutage({ name: 'AggregateError', message: '', errors: [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED ::1:5432' }] }), 'database');
  assert.equal(dependencyOutage(new Error('Connection terminated unexpectedly')), 'database');
});

test('ioredis giving up on a command is a queue outage', () => {
  assert.equal(dependencyOutage({ name: 'MaxRetriesPerRequestError', message: 'Reached the max retries per request limit (which is 20). Refer to "maxRetriesPerRequest" option for details.' }), 'queue');
  assert.equal(dependencyOutage(new Error('Connection is closed.')), 'queue');
});

test('ordinary errors are not outages', () => {
  assert.equal(dependencyOutage(new Error('duplicate key value violates unique constraint')), undefined);
  assert.equal(dependencyOutage({ code: '23505', message: 'duplicate key' }), undefined);
  assert.equal(dependencyOutage({ code: '22P02', message: 'invalid input syntax' }), undefined);
  assert.equal(dependencyOutage(undefined), undefined);
  assert.equal(dependencyOutage('boom'), undefined);
});
