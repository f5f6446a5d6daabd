import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The S3 mount driver's own Go tests (node-tools/s3-mount/*_test.go): it refuses the volume of a pod that is not a
 * Skyport task pod (namespace, service account, from podInfoOnMount's attributes) before it makes anything, and
 * accepts a non-loopback S3 endpoint only with --endpoint-any. The same binary runs in the real-node clusters and,
 * as the Helm chart's DaemonSet, in deployments. Compiled to test/cluster/dist, so node-tools is two levels up.
 */
describe('S3 mount driver (s3.csi.skyport.dev): go test', () => {
  it('refuses non-task pods and keeps the endpoint rule', { timeout: 280_000 }, () => {
    const r = spawnSync('go', ['test', '-count=1', './s3-mount/'], { cwd: resolve(__dirname, '..', 'node-tools'), encoding: 'utf8', timeout: 270_000 });
    if (r.error) throw new Error(`go test could not run (the Go toolchain is needed, as for test/cluster/build.sh): ${r.error.message}`);
    assert.equal(r.status, 0, `go test failed:\n${r.stdout}${r.stderr}`);
  });
});
