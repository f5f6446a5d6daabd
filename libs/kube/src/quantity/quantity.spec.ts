import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuMillis, formatBytes, formatCpuMillis, parseQuantity } from './quantity';

test('quantities in every suffix form', () => {
  assert.equal(parseQuantity('2'), 2);
  assert.equal(parseQuantity('250m'), 0.25);
  assert.equal(parseQuantity('1Gi'), 2 ** 30);
  assert.equal(parseQuantity('1.5Gi'), 1.5 * 2 ** 30);
  assert.equal(parseQuantity('500M'), 5e8);
  assert.equal(parseQuantity('1e3'), 1000);
  assert.equal(parseQuantity('129144Ki'), 129144 * 1024);
  assert.ok(Number.isNaN(parseQuantity('lots')));
  assert.equal(parseQuantity(undefined), 0);
});

test('cpu millis and formatting', () => {
  assert.equal(cpuMillis('1500m'), 1500);
  assert.equal(cpuMillis('0.1'), 100);
  assert.equal(cpuMillis('3'), 3000);
  assert.equal(formatCpuMillis(2000), '2');
  assert.equal(formatCpuMillis(500), '500m');
  assert.equal(formatBytes(16 * 2 ** 30), '16Gi');
  assert.equal(formatBytes(1536 * 2 ** 20), '1536Mi');
});
