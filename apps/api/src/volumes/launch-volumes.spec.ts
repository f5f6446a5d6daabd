import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSkyportError } from '@skyport/contracts';
import { parseTaskYaml } from '@skyport/task-spec';
import { placeNextToVolumes } from './launch-volumes';

const task = (extra = '') => parseTaskYaml(`volumes:\n  /mnt/data: data\n${extra}run: ls /mnt/data\n`).tasks[0]!;
const data = { name: 'data', context: 'local', namespace: 'team-a' };
const team = { team: 'a', namespaces: [{ context: 'other', namespace: 'team-a' }, { context: 'local', namespace: 'team-a' }, { context: 'local', namespace: 'team-a-2' }] };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isSkyportError(err));
    assert.equal(err.code, 'INVALID_TASK');
    return err.userMessage;
  }
  assert.fail('accepted');
}

describe("a task's Skyport volumes decide where it runs", () => {
  it("confines a team's launch to the volume's namespace", () => {
    assert.deepEqual(placeNextToVolumes(task(), [data], team), { team: 'a', namespaces: [{ context: 'local', namespace: 'team-a' }] });
  });

  it('leaves a task without Skyport volumes (or an admin without placement) as it was', () => {
    assert.equal(placeNextToVolumes(task(), [], team), team);
    assert.equal(placeNextToVolumes(task(), [data], undefined), undefined);
  });

  it('refuses a task that asks for another context, a cloud or another namespace, saying where the volume is', () => {
    assert.match(refusal(() => placeNextToVolumes(task('resources:\n  infra: kubernetes/other\n'), [data], team)), /volume 'data' is in kubernetes\/local, namespace team-a, but the task asks for context 'other'/);
    assert.match(refusal(() => placeNextToVolumes(task('resources:\n  infra: aws\n'), [data], undefined)), /runs there, not on aws/);
    assert.match(refusal(() => placeNextToVolumes(task('config:\n  kubernetes:\n    namespace: team-a-2\n'), [data], team)), /asks for namespace 'team-a-2'/);
  });

  it('refuses volumes in two places', () => {
    assert.match(refusal(() => placeNextToVolumes(task(), [data, { name: 'more', context: 'other', namespace: 'team-a' }], team)), /are in different places/);
  });
});
