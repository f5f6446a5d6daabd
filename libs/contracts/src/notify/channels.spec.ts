import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventNotification, jobCancelNotification, logsNotification, parseEventNotification } from './channels';

test('an event notification reads back as written; a request-less or cluster-less one has null there', () => {
  const event = { id: '42', requestId: 'b1c0ffee-0000-4000-8000-000000000000', clusterName: 'c1' };
  assert.deepEqual(parseEventNotification(eventNotification(event)), event);
  assert.deepEqual(parseEventNotification(eventNotification({ id: '7', requestId: null, clusterName: 'c1' })), { id: '7', requestId: null, clusterName: 'c1' });
});

test("Postgres's json_build_object text (spaces around the colons, as the one-statement launch insert sends it) reads the same", () => {
  assert.deepEqual(parseEventNotification('{"id" : "9", "requestId" : null, "clusterName" : "c2"}'), { id: '9', requestId: null, clusterName: 'c2' });
});

test('a payload that is not an event notification is ignored (undefined), not an error: the listener polls anyway', () => {
  for (const payload of [undefined, '', 'c1', '[1]', 'null', '"text"', '{"reque']) assert.equal(parseEventNotification(payload), undefined, String(payload));
  assert.deepEqual(parseEventNotification('{"requestId": 5, "clusterName": ""}'), { id: '', requestId: null, clusterName: null });
});

test('the cancel and logs payloads', () => {
  assert.deepEqual(JSON.parse(jobCancelNotification({ clusterName: 'c1', jobIds: [1, 2] })), { clusterName: 'c1', jobIds: [1, 2] });
  assert.equal(logsNotification('c1', 3), 'c1/3');
});
