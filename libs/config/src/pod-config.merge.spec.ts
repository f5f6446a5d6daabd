import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergePodConfig, mergePodConfigs } from './pod-config.merge';

type Obj = Record<string, unknown>;

/** The main container as the provisioner builds it, and a pod around it. */
const main = {
  name: 'skyport',
  image: 'debian',
  command: ['/bin/bash', '-c', 'sleep infinity'],
  env: [
    { name: 'A', value: '1' },
    { name: 'B', value: '2' },
  ],
  volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
  ports: [{ containerPort: 8080, name: 'http' }],
};
const pod = (container: Obj = main, spec: Obj = {}): Obj => ({
  metadata: { labels: { a: '1' } },
  spec: { containers: [container], volumes: [{ name: 'dshm', emptyDir: { medium: 'Memory' } }], tolerations: [{ key: 'x', operator: 'Exists' }], ...spec },
});
const withMain = (fields: Obj, spec: Obj = {}): Obj => pod({ ...main, ...fields }, spec);

/** [rule, base, override, expected]: SkyPilot's pod_config rules (issue 6), one row each. */
const cases: Array<[string, Obj, Obj, Obj]> = [
  ['scalars are replaced', { a: 1, b: 2 }, { a: 3 }, { a: 3, b: 2 }],
  ['mappings merge key by key', { a: { x: 1 } }, { a: { y: 2 } }, { a: { x: 1, y: 2 } }],
  ['an explicit null is set as written', { a: { x: 1 } }, { a: null }, { a: null }],
  [
    'env merges by name: a known name is updated field-wise, a new one appended',
    pod(),
    { spec: { containers: [{ name: 'skyport', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] }] } },
    withMain({ env: [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }] }),
  ],
  [
    'an unnamed container merges into the container at its position',
    pod(),
    { spec: { containers: [{ resources: { limits: { 'example.com/foo': '1' } } }] } },
    withMain({ resources: { limits: { 'example.com/foo': '1' } } }),
  ],
  [
    'a named container that is not there yet is added (a sidecar)',
    pod(),
    { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } },
    { ...pod(), spec: { ...(pod().spec as Obj), containers: [main, { name: 'sidecar', image: 'busybox' }] } },
  ],
  [
    'initContainers merge by name',
    { spec: { initContainers: [{ name: 'init', image: 'a' }] } },
    { spec: { initContainers: [{ name: 'init', image: 'b' }, { name: 'more', image: 'c' }] } },
    { spec: { initContainers: [{ name: 'init', image: 'b' }, { name: 'more', image: 'c' }] } },
  ],
  [
    'volumeMounts merge by mountPath: one volume mounted twice with two subPaths stays two mounts (SkyPilot #9357)',
    pod(),
    {
      spec: {
        containers: [
          {
            name: 'skyport',
            volumeMounts: [
              { name: 'data', mountPath: '/data/models', subPath: 'models' },
              { name: 'data', mountPath: '/data/cache', subPath: 'cache' },
            ],
          },
        ],
      },
    },
    withMain({
      volumeMounts: [
        { name: 'dshm', mountPath: '/dev/shm' },
        { name: 'data', mountPath: '/data/models', subPath: 'models' },
        { name: 'data', mountPath: '/data/cache', subPath: 'cache' },
      ],
    }),
  ],
  [
    'a mount at a path already mounted replaces its fields',
    pod(),
    { spec: { containers: [{ name: 'skyport', volumeMounts: [{ name: 'big-shm', mountPath: '/dev/shm' }] }] } },
    withMain({ volumeMounts: [{ name: 'big-shm', mountPath: '/dev/shm' }] }),
  ],
  [
    'volumes merge by name',
    pod(),
    { spec: { volumes: [{ name: 'dshm', emptyDir: { sizeLimit: '1Gi' } }, { name: 'data', persistentVolumeClaim: { claimName: 'shared' } }] } },
    pod(main, {
      volumes: [
        { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
        { name: 'data', persistentVolumeClaim: { claimName: 'shared' } },
      ],
    }),
  ],
  [
    'ports merge by containerPort',
    pod(),
    { spec: { containers: [{ name: 'skyport', ports: [{ containerPort: 8080, protocol: 'TCP' }, { containerPort: 9090 }] }] } },
    withMain({ ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }, { containerPort: 9090 }] }),
  ],
  [
    'imagePullSecrets merge by name',
    { spec: { imagePullSecrets: [{ name: 'regcred' }] } },
    { spec: { imagePullSecrets: [{ name: 'regcred' }, { name: 'other' }] } },
    { spec: { imagePullSecrets: [{ name: 'regcred' }, { name: 'other' }] } },
  ],
  ['command is replaced whole', pod(), { spec: { containers: [{ name: 'skyport', command: ['/init'] }] } }, withMain({ command: ['/init'] })],
  ['args are replaced whole', withMain({ args: ['a', 'b'] }), { spec: { containers: [{ name: 'skyport', args: ['c'] }] } }, withMain({ args: ['c'] })],
  [
    'other lists are appended',
    pod(),
    { spec: { tolerations: [{ key: 'y', operator: 'Exists' }] } },
    pod(main, { tolerations: [{ key: 'x', operator: 'Exists' }, { key: 'y', operator: 'Exists' }] }),
  ],
];

describe('mergePodConfig', () => {
  for (const [rule, base, override, expected] of cases) it(rule, () => assert.deepEqual(mergePodConfig(base, override), expected));

  it('changes neither input', () => {
    const base = pod();
    const override = { spec: { containers: [{ name: 'skyport', env: [{ name: 'A', value: 'x' }] }] } };
    const before = JSON.stringify([base, override]);
    const out = mergePodConfig(base, override);
    const first = ((out.spec as Obj).containers as Obj[])[0] as Obj;
    first.image = 'changed';
    assert.equal(JSON.stringify([base, override]), before);
  });
});

describe('mergePodConfigs', () => {
  it('applies layers in order (global, per context, task), skipping absent ones', () => {
    const out = mergePodConfigs(pod(), [{ metadata: { labels: { a: 'global' } } }, undefined, { metadata: { labels: { a: 'task', b: '2' } } }]);
    assert.deepEqual(out.metadata, { labels: { a: 'task', b: '2' } });
  });
});
