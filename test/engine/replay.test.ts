import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Worker } from '@temporalio/worker';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech } from '../harness/socktech';

const HISTORIES = path.resolve(__dirname, '../histories');

describe('replay', () => {
  it('every stored history of a real run replays against the current workflow code', async function () {
    this.timeout(120_000);
    const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 3, 'histories are stored under test/histories');
    const histories = await Promise.all(
      files.map(async (f) => ({
        workflowId: f,
        history: JSON.parse(await readFile(path.join(HISTORIES, f), 'utf8')),
      })),
    );
    const results = Worker.runReplayHistories(
      { workflowBundle: harness().workflowBundle },
      histories,
    );
    const failed: string[] = [];
    for await (const result of results) {
      if (result.error) failed.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.deepEqual(failed, []);
  });

  it('a history whose commands the code no longer issues fails to replay, via npm run replay', async function () {
    this.timeout(60_000);
    // Drop the delay from the recorded input: the code then never starts the timer the
    // history holds, which is what a breaking change to the interpreter looks like.
    const history = JSON.parse(await readFile(path.join(HISTORIES, 'welcome-short.json'), 'utf8'));
    const payload = history.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
    const input = JSON.parse(Buffer.from(payload.data, 'base64').toString());
    input.flow.actions = input.flow.actions.filter((a: { type: string }) => a.type !== 'delay');
    for (const a of input.flow.actions) a.after = a.after.filter((p: string) => p !== 'wait');
    payload.data = Buffer.from(JSON.stringify(input)).toString('base64');
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'replay-')), 'broken.json');
    await writeFile(file, JSON.stringify(history));
    const run = promisify(execFile)(process.execPath, [
      '--require',
      'tsx/cjs',
      'src/replay.ts',
      '--file',
      file,
    ]);
    const err = await run.then(
      () => assert.fail('replay should have failed'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(err.code, 1);
    assert.match(err.stderr, /does not replay: .*[Nn]ondetermin/);
  });

  it('npm run replay on a run that just finished exits 0', async function () {
    this.timeout(120_000);
    const h = harness();
    const socktech = await startSocktech([
      await testFlow({
        id: 'replayed',
        name: 'Replayed',
        trigger: { event: 'replayed' },
        actions: [
          { id: 'hook', type: 'webhook', url: `${h.webhooks.url}/replayed` },
          { id: 'mail', type: 'sendEmail', subject: 'hi', body: 'there', after: ['hook'] },
        ],
      }),
    ]);
    try {
      const { body } = await socktech.post('/v1/events', {
        name: 'replayed',
        email: 'replay@example.com',
      });
      const workflowId = body.events[0].matched[0].workflowId;
      await socktech.client.workflow.getHandle(workflowId).result();
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--require', 'tsx/cjs', 'src/replay.ts', workflowId],
        { env: { ...process.env, TEMPORAL_ADDRESS: h.address } },
      );
      assert.match(stdout, /replays cleanly/);
    } finally {
      await socktech.stop();
    }
  });
});
