import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { secretOf } from '../../src/secret';

describe('the secret of the unsubscribe links', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'socktech-secret-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is generated into the data folder on first start, readable by its owner only, and kept', async () => {
    const first = await secretOf({ dataDir });
    const again = await secretOf({ dataDir });

    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(again, first);
    assert.equal(statSync(path.join(dataDir, 'secret')).mode & 0o777, 0o600);
  });

  it('is SOCKTECH_SECRET when set, and refused when shorter than 32 characters', async () => {
    const secret = 'x'.repeat(32);
    assert.equal(
      await secretOf(loadConfig({ SOCKTECH_SECRET: secret, SOCKTECH_DATA_DIR: dataDir })),
      secret,
    );
    assert.throws(
      () => loadConfig({ SOCKTECH_SECRET: 'short' }),
      (err: Error) =>
        err instanceof ConfigError &&
        /SOCKTECH_SECRET: must be at least 32 characters: `openssl rand -hex 32` makes one/.test(
          err.message,
        ),
    );
  });

  it('refuses a kept secret that was cut short, naming the file', async () => {
    writeFileSync(path.join(dataDir, 'secret'), 'abc\n');

    await assert.rejects(
      secretOf({ dataDir }),
      (err: Error) =>
        err instanceof ConfigError && err.message.startsWith(`${path.join(dataDir, 'secret')}: `),
    );
  });
});
