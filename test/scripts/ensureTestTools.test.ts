import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../scripts/ensure-test-tools.sh');
const root = process.getuid?.() === 0;

interface Exit {
  code: number;
  stderr: string;
}

/** Runs the script, prefixed by `wrapper` (to run it as another user), with `env` added. */
function run(wrapper: string[], env: Record<string, string>): Promise<Exit> {
  const [file, ...args] = [...wrapper, 'bash', SCRIPT];
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env } }, (err, _stdout, stderr) => {
      resolve({ code: err ? Number(err.code) : 0, stderr });
    });
  });
}

describe('npm test: scripts/ensure-test-tools.sh', () => {
  let dir: string;
  let missing: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'socktech-test-tools-'));
    missing = path.join(dir, 'bin', 'chromium');
  });

  it('passes quietly when Chromium and the temporal CLI are there', async function () {
    this.timeout(30_000);
    const exit = await run([], {});
    assert.equal(exit.code, 0, exit.stderr);
    assert.equal(exit.stderr, '');
  });

  it('without Chromium and not root, prints the command to run and stops the tests', async () => {
    const asNobody = root ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : [];
    const exit = await run(asNobody, { SOCKTECH_CHROMIUM_PATH: missing });
    assert.equal(exit.code, 1);
    assert.match(exit.stderr, new RegExp(`${missing} is missing`));
    assert.match(exit.stderr, /sudo apt-get update && sudo apt-get install -y chromium/);
  });

  it("without Chromium as root, says so and installs Debian's chromium with apt-get", async function () {
    this.timeout(30_000);
    // apt-get itself would need the network: a stand-in records its calls and "installs".
    const calls = path.join(dir, 'apt-get.calls');
    writeFileSync(
      path.join(dir, 'apt-get'),
      `#!/bin/sh\necho "$*" >> ${calls}\n` +
        `case "$*" in *install*) mkdir -p ${path.dirname(missing)} && ` +
        `printf '#!/bin/sh\\n' > ${missing} && chmod +x ${missing} ;; esac\n`,
    );
    chmodSync(path.join(dir, 'apt-get'), 0o755);
    const asRoot = root ? [] : ['unshare', '--map-root-user'];
    const exit = await run(asRoot, {
      SOCKTECH_CHROMIUM_PATH: missing,
      PATH: `${dir}:${process.env.PATH}`,
    });
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(exit.stderr, new RegExp(`${missing} is missing: installing Debian's chromium`));
    assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n'), [
      'update -qq',
      'install -y -qq chromium',
    ]);
  });
});
