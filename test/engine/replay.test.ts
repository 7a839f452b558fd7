import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Worker } from '@temporalio/worker';
import { loadFlows } from '../../src/flows/load';
import { OUTCOMES, type Flow } from '../../src/flows/schema';
import type { FlowRunInput } from '../../src/workflows/definitions';
import { PATCHES } from '../../src/workflows/patches';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech } from '../harness/socktech';

const HISTORIES = path.resolve(__dirname, '../histories');

interface StoredEvent {
  workflowExecutionStartedEventAttributes?: { input: { payloads: { data: string }[] } };
  markerRecordedEventAttributes?: {
    markerName: string;
    details: Record<string, { payloads: { data: string }[] }>;
  };
}

async function storedHistories(): Promise<{ file: string; events: StoredEvent[] }[]> {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json'));
  return Promise.all(
    files.map(async (file) => {
      const { events } = JSON.parse(await readFile(path.join(HISTORIES, file), 'utf8'));
      return { file, events };
    }),
  );
}

const decoded = (payload: { data: string }) =>
  JSON.parse(Buffer.from(payload.data, 'base64').toString());

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

  it('the stored histories hold every node type, every sample flow and every patch', async () => {
    const histories = await storedHistories();
    const inputs = histories.map(
      ({ events }) =>
        decoded(
          events[0].workflowExecutionStartedEventAttributes!.input.payloads[0],
        ) as FlowRunInput,
    );
    const types = new Set(inputs.flatMap(({ flow }) => flow.actions.map((a) => a.type)));
    assert.deepEqual(
      Object.keys(OUTCOMES).filter((type) => !types.has(type as Flow['actions'][number]['type'])),
      [],
      'node types without a history (npm run histories:record)',
    );
    const flows = new Set(inputs.map(({ flow }) => flow.id));
    const samples = (await loadFlows('flows')).all().map((flow) => flow.id);
    assert.deepEqual(
      samples.filter((id) => !flows.has(id)),
      [],
      'sample flows without a history (npm run histories:record)',
    );
    const patches = new Set(
      histories.flatMap(({ events }) =>
        events.flatMap(({ markerRecordedEventAttributes: marker }) =>
          marker?.markerName === 'core_patch'
            ? [decoded(marker.details['patch-data'].payloads[0]).id as string]
            : [],
        ),
      ),
    );
    assert.deepEqual(
      Object.values(PATCHES).filter((id) => !patches.has(id)),
      [],
      'patches that no history took (npm run histories:record)',
    );
  });

  it('a history whose commands the code no longer issues fails to replay, via npm run replay', async function () {
    this.timeout(60_000);
    // Drop the delay from the recorded input: the code then never starts the timer the
    // history holds, which is what a breaking change to the interpreter looks like.
    const welcome = await readFile(path.join(HISTORIES, 'welcome-short.json'), 'utf8');
    const history = JSON.parse(welcome);
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

    // The CI check: a folder, each file named, one that does not replay fails the whole.
    const dir = path.dirname(file);
    await writeFile(path.join(dir, 'good.json'), welcome);
    const all = await promisify(execFile)(process.execPath, [
      '--require',
      'tsx/cjs',
      'src/replay.ts',
      '--dir',
      dir,
    ]).then(
      () => assert.fail('replay should have failed'),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(all.code, 1);
    assert.match(all.stdout, /good\.json: replays cleanly/);
    assert.match(all.stderr, /broken\.json: does not replay/);
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
