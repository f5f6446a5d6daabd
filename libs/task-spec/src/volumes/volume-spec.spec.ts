import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSkyportError } from '@skyport/contracts';
import { formatVolumeSize, parseVolumeYaml } from './volume-spec';

function refusal(yaml: string): { message: string; field: unknown } {
  try {
    parseVolumeYaml(yaml);
  } catch (err) {
    assert.ok(isSkyportError(err), String(err));
    return { message: err.userMessage, field: err.details?.field };
  }
  assert.fail(`accepted:\n${yaml}`);
}

describe('volume YAML (SkyPilot sky volumes apply)', () => {
  it("reads SkyPilot's example", () => {
    const v = parseVolumeYaml('name: new-pvc\ntype: k8s-pvc\ninfra: k8s\nsize: 10Gi\nconfig:\n  storage_class_name: local-path\n  access_mode: ReadWriteMany\n  namespace: team-a\n');
    assert.deepEqual(v, { name: 'new-pvc', type: 'k8s-pvc', sizeGb: 10, storageClassName: 'local-path', accessMode: 'ReadWriteMany', namespace: 'team-a', useExisting: false });
  });

  it('takes a context, a bare number of GiB, and defaults the access mode', () => {
    const v = parseVolumeYaml('name: data\ntype: k8s-pvc\ninfra: kubernetes/my-ctx\nsize: 20\n');
    assert.equal(v.context, 'my-ctx');
    assert.equal(v.sizeGb, 20);
    assert.equal(v.accessMode, 'ReadWriteOnce');
    assert.equal(parseVolumeYaml('name: d\nsize: 512Mi\n').sizeGb, 0.5);
    assert.equal(parseVolumeYaml('name: d\nsize: 1Ti\n').sizeGb, 1024);
  });

  it('use_existing needs no size', () => {
    assert.deepEqual(parseVolumeYaml('name: old-claim\ntype: k8s-pvc\nuse_existing: true\n').useExisting, true);
  });

  it('formats sizes as Kubernetes quantities', () => {
    assert.equal(formatVolumeSize(10), '10Gi');
    assert.equal(formatVolumeSize(0.5), '512Mi');
  });

  const refused: Array<[string, string, string, RegExp]> = [
    ['another type', 'name: v\ntype: runpod-network-volume\nsize: 10\n', 'type', /type 'runpod-network-volume' is not supported by Skyport: only 'k8s-pvc'/],
    ['a cloud infra', 'name: v\ninfra: aws\nsize: 10\n', 'infra', /Skyport volumes live on Kubernetes/],
    ['a name Kubernetes refuses', 'name: My_Volume\nsize: 10\n', 'name', /not a valid Kubernetes name.*e\.g\. 'my-volume'/],
    ['no name', 'size: 10\n', 'name', /needs a 'name'/],
    ['no size', 'name: v\n', 'size', /needs a 'size'/],
    ['a size that is no size', 'name: v\nsize: lots\n', 'size', /not a size/],
    ['a zero size', 'name: v\nsize: 0\n', 'size', /greater than 0/],
    ['an unknown access mode', 'name: v\nsize: 1\nconfig:\n  access_mode: ReadWriteSometimes\n', 'config.access_mode', /not one of ReadWriteOnce/],
    ['an unknown config key', 'name: v\nsize: 1\nconfig:\n  zone: x\n', 'config.zone', /unknown volume config field/],
    ['an unknown key', 'name: v\nsize: 1\nreplicas: 2\n', 'replicas', /unknown volume field\(s\): replicas/],
    ['a bad namespace', 'name: v\nsize: 1\nconfig:\n  namespace: Team_A\n', 'config.namespace', /not a valid Kubernetes namespace/],
  ];
  for (const [what, yaml, field, message] of refused) {
    it(`refuses ${what}, naming the field`, () => {
      const r = refusal(yaml);
      assert.match(r.message, message);
      assert.equal(r.field, field);
    });
  }

  it('refuses a file that is not YAML or not a mapping', () => {
    assert.match(refusal('name: [\n').message, /not valid YAML/);
    assert.match(refusal('- a\n- b\n').message, /a volume is a mapping/);
  });
});
