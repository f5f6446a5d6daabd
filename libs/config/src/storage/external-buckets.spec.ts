import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ExternalBuckets, externalBucketsConfigShape, parseExternalBuckets } from './external-buckets';

describe('SKYPORT_S3_EXTERNAL_BUCKETS', () => {
  it('reads pattern and team=pattern entries; * is a wildcard, the rest is literal', () => {
    const { rules, problems } = parseExternalBuckets(' datasets-*, ml=ml.weights ,, *-public ');
    assert.deepEqual(problems, []);
    const list = new ExternalBuckets(rules);
    assert.ok(list.allows('datasets-2024', null));
    assert.ok(list.allows('datasets-', 'any'));
    assert.ok(!list.allows('my-datasets-2024', 'ml'), 'anchored at the start');
    assert.ok(list.allows('ml.weights', 'ml'));
    assert.ok(!list.allows('ml.weights', 'blue'), 'a team entry is for that team only');
    assert.ok(!list.allows('ml.weights', null), 'nor for a user in no team');
    assert.ok(!list.allows('mlxweights', 'ml'), "'.' is a dot, not any character");
    assert.ok(list.allows('corp-public', 'blue'));
  });

  it('unset or empty: nothing is allowed', () => {
    assert.ok(!new ExternalBuckets(parseExternalBuckets(undefined).rules).allows('x', 'ml'));
    assert.ok(!new ExternalBuckets(parseExternalBuckets('').rules).allows('x', null));
  });

  it('a bad entry is named in the config error', () => {
    const schema = z.object(externalBucketsConfigShape);
    const bad = schema.safeParse({ SKYPORT_S3_EXTERNAL_BUCKETS: 'ok-bucket, Bad_Bucket, =x' });
    assert.equal(bad.success, false);
    const messages = (bad.error?.issues ?? []).map((i) => i.message).join('\n');
    assert.match(messages, /'Bad_Bucket' is not a bucket name or pattern/);
    assert.match(messages, /'=x': '' is not a team name/);
    const good = schema.parse({ SKYPORT_S3_EXTERNAL_BUCKETS: 'ml=team-*' });
    assert.ok(good.SKYPORT_S3_EXTERNAL_BUCKETS.allows('team-a', 'ml'));
  });
});
