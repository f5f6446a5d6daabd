import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VolumeView } from '@skyport/contracts';
import { CliExit, ExitCode } from '../context/exit-codes';
import { readVolumeFile, renderVolumes } from './volumes.command';

const files: Record<string, string> = {
  'ok.yaml': 'name: data\ntype: k8s-pvc\ninfra: kubernetes/local\nsize: 10Gi\nconfig:\n  storage_class_name: local-path\n  access_mode: ReadWriteMany\n',
  'runpod.yaml': 'name: data\ntype: runpod-network-volume\ninfra: runpod\nsize: 10\n',
  'bad-name.yaml': 'name: Data_Set\ntype: k8s-pvc\nsize: 10\n',
  'no-size.yaml': 'name: data\ntype: k8s-pvc\ninfra: k8s\n',
  'broken.yaml': 'name: [data\n',
};
const read = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  return text;
};

function usageError(file: string): string {
  try {
    readVolumeFile(file, read);
  } catch (error) {
    assert.ok(error instanceof CliExit);
    assert.equal(error.exitCode, ExitCode.Usage);
    return error.message;
  }
  assert.fail(`${file} was accepted`);
}

describe('skyport volumes: the volume file', () => {
  it('sends the document as written (SkyPilot keys) once it is valid', () => {
    assert.deepEqual(readVolumeFile('ok.yaml', read), {
      name: 'data',
      type: 'k8s-pvc',
      infra: 'kubernetes/local',
      size: '10Gi',
      config: { storage_class_name: 'local-path', access_mode: 'ReadWriteMany' },
    });
  });

  it('refuses with exit 2 and the reason, before any call', () => {
    assert.match(usageError('runpod.yaml'), /^runpod.yaml is not a valid volume: volume type 'runpod-network-volume' is not supported by Skyport: only 'k8s-pvc'/);
    assert.match(usageError('bad-name.yaml'), /volume name 'Data_Set' is not a valid Kubernetes name/);
    assert.match(usageError('no-size.yaml'), /needs a 'size'/);
    assert.match(usageError('broken.yaml'), /broken.yaml is not valid YAML/);
    assert.match(usageError('missing.yaml'), /cannot read missing.yaml: no such file/);
  });
});

describe('skyport volumes ls', () => {
  const colors = { green: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s, cyan: (s: string) => s } as never;
  const volume: VolumeView = {
    name: 'data',
    type: 'k8s-pvc',
    infra: 'kubernetes/local',
    context: 'local',
    namespace: 'team-a',
    size: '10Gi',
    sizeGb: 10,
    storageClassName: null,
    accessMode: 'ReadWriteOnce',
    useExisting: false,
    ephemeral: false,
    phase: 'Bound',
    team: 'a',
    ownerName: 'ann',
    usedBy: ['train', 'eval'],
    createdAt: new Date(Date.now() - 120_000).toISOString(),
  };

  it('shows the clusters using each volume', () => {
    const text = renderVolumes([volume, { ...volume, name: 'idle', usedBy: [] }, { ...volume, name: 'train-vol-0', usedBy: ['train'], ephemeral: true }], { colors });
    assert.match(text, /data .*IN_USE .*train, eval .* no$/m);
    assert.match(text, /idle .*BOUND/);
    assert.match(text, /train-vol-0 .*IN_USE .*train .* yes$/m);
  });

  it('says how to make one when there is none', () => {
    assert.match(renderVolumes([], { colors }), /skyport volumes apply volume.yaml/);
  });
});
