import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autodownReason, autostopStops } from './autodown.service';

test('autostop stops a cloud VM cluster (SkyPilot default); --down tears it down', () => {
  assert.equal(autostopStops({ down: false, infra: 'aws/us-east-1' }), true);
  assert.equal(autostopStops({ down: true, infra: 'aws/us-east-1' }), false);
  assert.match(autodownReason({ idleMinutes: 5, down: false, infra: 'aws/us-east-1' }), /^autostop: idle for 5 minutes; stopping the cluster .*'skyport start'/);
  assert.equal(autodownReason({ idleMinutes: 1, down: true, infra: 'aws/us-east-1' }), 'autodown: idle for 1 minute; tearing the cluster down');
});

test('Kubernetes clusters cannot stop: autostop tears them down and says so', () => {
  assert.equal(autostopStops({ down: false, infra: 'kubernetes/kind-a' }), false);
  assert.equal(autostopStops({ down: false, infra: null }), false);
  assert.match(autodownReason({ idleMinutes: 10, down: false, infra: 'kubernetes/kind-a' }), /Kubernetes clusters cannot be stopped, so the cluster is torn down instead/);
});
