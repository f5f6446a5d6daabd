import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSshKey, isWholeEd25519Key, loadOrCreateSshKey } from './ssh-key';

// What ssh2's generator made for one key in ~100 here: the key's leading zero byte dropped (31 bytes).
const TRUNCATED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAH49Cae8HFwT8kSMLVrNB+JYdhMDdj20fxtIaUINovow= skyport-test';

describe('Skyport SSH key', () => {
  it('a truncated ed25519 key is told apart from a whole one', () => {
    assert.equal(isWholeEd25519Key(TRUNCATED), false);
    assert.equal(isWholeEd25519Key(generateSshKey().publicKey), true);
    assert.equal(isWholeEd25519Key('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ'), false);
    assert.equal(isWholeEd25519Key(''), false);
  });

  it('generateSshKey never hands out a truncated key (1,000 keys; ~10 would be truncated without the check)', () => {
    for (let i = 0; i < 1000; i++) assert.ok(isWholeEd25519Key(generateSshKey('t').publicKey));
  });

  it('a truncated key left on disk is replaced; a whole one is kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyport-key-'));
    try {
      writeFileSync(join(dir, 'id_ed25519'), 'old private');
      writeFileSync(join(dir, 'id_ed25519.pub'), `${TRUNCATED}\n`);
      const key = loadOrCreateSshKey(dir);
      assert.ok(isWholeEd25519Key(key.publicKey));
      assert.equal(readFileSync(join(dir, 'id_ed25519.pub'), 'utf8').trim(), key.publicKey);
      assert.deepEqual(loadOrCreateSshKey(dir), key, 'loaded again as it is');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
