import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kubeletExpand } from '../testing/kubelet-expansion';
import { literalContainerArgs } from './container-command';

describe('literalContainerArgs', () => {
  const env = { SKYPORT_POD_IP: '10.0.0.7', HOME: '/root' };
  for (const script of ['echo $$ > pid', 'echo $(SKYPORT_POD_IP) $HOME $(id -u) $((1 + 2))', 'wait $!; exit $?', 'price: $5 and $', '$$$(HOME)$']) {
    it(`the kubelet hands over ${JSON.stringify(script)} unchanged`, () => {
      const [escaped] = literalContainerArgs([script]);
      assert.equal(kubeletExpand(escaped!, env), script);
    });
  }

  it('unescaped, the kubelet would change them (why this exists)', () => {
    assert.equal(kubeletExpand('echo $$ > pid', env), 'echo $ > pid');
    assert.equal(kubeletExpand('echo $(SKYPORT_POD_IP)', env), 'echo 10.0.0.7');
  });
});
