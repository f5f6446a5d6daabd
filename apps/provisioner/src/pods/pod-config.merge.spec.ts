import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePodConfig, mergePodConfigs } from './pod-config.merge';

// The merge works on untyped JSON; the tests read it back through this loose shape.
interface Loose {
  [key: string]: Loose & Loose[] & string;
}
const pod = (o: Record<string, unknown>) => o as unknown as Loose;

const base = {
  metadata: { labels: { a: '1' } },
  spec: {
    containers: [
      {
        name: 'skyport',
        image: 'debian',
        command: ['/bin/bash', '-c', 'sleep infinity'],
        env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
        volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
        ports: [{ containerPort: 8080, name: 'http' }],
      },
    ],
    volumes: [{ name: 'dshm', emptyDir: { medium: 'Memory' } }],
    tolerations: [{ key: 'x', operator: 'Exists' }],
  },
};

test('env merged by name: same name replaced field-wise, new appended', () => {
  const out = mergePodConfig(base, { spec: { containers: [{ name: 'skyport', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] }] } });
  const env = pod(out).spec.containers[0].env;
  assert.deepEqual(env, [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }]);
});

test('an unnamed container merges into the container at the same position', () => {
  const out = mergePodConfig(base, { spec: { containers: [{ resources: { limits: { 'example.com/foo': '1' } } }] } });
  assert.equal(pod(out).spec.containers.length, 1);
  assert.equal(pod(out).spec.containers[0].name, 'skyport');
  assert.deepEqual(pod(out).spec.containers[0].resources, { limits: { 'example.com/foo': '1' } });
});

test('a named sidecar container is added', () => {
  const out = mergePodConfig(base, { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } });
  assert.deepEqual(pod(out).spec.containers.map((c) => c.name), ['skyport', 'sidecar']);
});

test('volumeMounts merge by mountPath: one volume mounted twice with different subPaths stays two mounts (#9357)', () => {
  const out = mergePodConfig(base, {
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
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'shared' } }],
    },
  });
  assert.deepEqual(pod(out).spec.containers[0].volumeMounts, [
    { name: 'dshm', mountPath: '/dev/shm' },
    { name: 'data', mountPath: '/data/models', subPath: 'models' },
    { name: 'data', mountPath: '/data/cache', subPath: 'cache' },
  ]);
  assert.deepEqual(pod(out).spec.volumes.map((v) => v.name), ['dshm', 'data']);
});

test('a mount at an existing path replaces its fields', () => {
  const out = mergePodConfig(base, { spec: { containers: [{ name: 'skyport', volumeMounts: [{ name: 'big-shm', mountPath: '/dev/shm' }] }] } });
  assert.deepEqual(pod(out).spec.containers[0].volumeMounts, [{ name: 'big-shm', mountPath: '/dev/shm' }]);
});

test('volumes merge by name', () => {
  const out = mergePodConfig(base, { spec: { volumes: [{ name: 'dshm', emptyDir: { sizeLimit: '1Gi' } }] } });
  assert.deepEqual(pod(out).spec.volumes, [{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } }]);
});

test('ports merge by containerPort', () => {
  const out = mergePodConfig(base, { spec: { containers: [{ name: 'skyport', ports: [{ containerPort: 8080, protocol: 'TCP' }, { containerPort: 9090 }] }] } });
  assert.deepEqual(pod(out).spec.containers[0].ports, [{ containerPort: 8080, name: 'http', protocol: 'TCP' }, { containerPort: 9090 }]);
});

test('command and args are replaced, other lists appended, scalars replaced', () => {
  const out = mergePodConfig(base, {
    spec: { containers: [{ name: 'skyport', command: ['/init'], image: 'custom' }], tolerations: [{ key: 'y', operator: 'Exists' }], priorityClassName: 'high' },
  });
  assert.deepEqual(pod(out).spec.containers[0].command, ['/init']);
  assert.equal(pod(out).spec.containers[0].image, 'custom');
  assert.deepEqual(pod(out).spec.tolerations.map((t) => t.key), ['x', 'y']);
  assert.equal(pod(out).spec.priorityClassName, 'high');
});

test('inputs are not modified, and layers apply in order', () => {
  const snapshot = JSON.stringify(base);
  const out = mergePodConfigs(base, [{ metadata: { labels: { a: 'global' } } }, undefined, { metadata: { labels: { a: 'task', b: '2' } } }]);
  assert.deepEqual(pod(out).metadata.labels, { a: 'task', b: '2' });
  assert.equal(JSON.stringify(base), snapshot);
});
