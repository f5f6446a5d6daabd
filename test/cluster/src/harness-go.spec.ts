import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The KWOK harness's own Go tests (harness/*_test.go): it expands a container's command as a kubelet does (`$$`,
 * `$(NAME)`) before it runs it, so KWOK runs what a real node would. Compiled to test/cluster/dist, so harness is
 * one level up. Built with -trimpath and CGO_ENABLED=0, as test/cluster/build.sh builds the harness, so the
 * packages that build compiled are reused (otherwise client-go is compiled again: about a minute here).
 */
describe('KWOK harness: go test', () => {
  it("applies the kubelet's expansion to container commands", { timeout: 280_000 }, () => {
    const r = spawnSync('go', ['test', '-trimpath', '-count=1', '-run', 'TestExpandContainerArg', '.'], {
      cwd: resolve(__dirname, '..', 'harness'),
      encoding: 'utf8',
      timeout: 270_000,
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly', CGO_ENABLED: '0' },
    });
    if (r.error) throw new Error(`go test could not run (the Go toolchain is needed, as for test/cluster/build.sh): ${r.error.message}`);
    assert.equal(r.status, 0, `go test failed:\n${r.stdout}${r.stderr}`);
  });
});
