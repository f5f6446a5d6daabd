import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LaunchRequestPayload } from '@skyport/contracts';
import type { RequestEntity } from '@skyport/persistence';
import { mayWait } from './capacity-wait';

const request = (options: Partial<LaunchRequestPayload>) => ({ payload: { task: {}, autostop: null, noBurst: false, priority: 0, ...options } }) as unknown as RequestEntity;

describe('mayWait: a launch with nothing to run on now waits or fails', () => {
  it('-r/--retry-until-up waits even when no context could ever fit (a cloud may come up), like --no-burst', () => {
    assert.equal(mayWait(request({ retryUntilUp: true }), []), true);
    assert.equal(mayWait(request({ retryUntilUp: true, failFast: true }), []), true);
    assert.equal(mayWait(request({ noBurst: true }), []), true);
  });
  it('otherwise only when some context could run it once capacity frees, unless fail-fast', () => {
    assert.equal(mayWait(request({}), []), false);
    assert.equal(mayWait(request({}), ['ctx-a']), true);
    assert.equal(mayWait(request({ failFast: true }), ['ctx-a']), false);
  });
});
