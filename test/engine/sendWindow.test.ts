import assert from 'node:assert/strict';
import { wallClock } from '../../src/flows/sendWindow';
import type { Flow } from '../../src/flows/schema';
import { userHash } from '../../src/ingest/identity';
import { progressQuery, type NodeState } from '../../src/workflows/definitions';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';
import { startFlowRun } from './startFlowRun';

// The time-skipping test server cannot be downloaded here: the wait is real, on a window that
// opens at the next whole minute (test/flows/sendWindow.test.ts covers DST and the day rules).

const hhmm = (wall: number) => new Date(wall).toISOString().slice(11, 16);

describe('send windows on a dev server', () => {
  let socktech: Socktech;
  let opensAt: number;
  let inNewYork: Flow;
  let inBerlin: Flow;

  before(async () => {
    // At least ten seconds away, so that every run starts waiting before the window opens.
    opensAt = Math.ceil((Date.now() + 10_000) / 60_000) * 60_000;
    // The same instant on New York's and on Berlin's clocks, an hour long.
    const window = (zone: string) => ({
      from: hhmm(wallClock(zone, opensAt)),
      to: hhmm(wallClock(zone, opensAt + 3_600_000)),
    });
    const flow = (id: string, zone: string) =>
      testFlow({
        id,
        name: id,
        reentry: 'every-event',
        timezone: 'Europe/Berlin',
        trigger: { event: id },
        actions: [
          {
            id: 'mail',
            type: 'sendEmail',
            subject: id,
            body: 'in the window',
            window: window(zone),
          },
        ],
      });
    [inNewYork, inBerlin] = await Promise.all([
      flow('window-new-york', 'America/New_York'),
      flow('window-berlin', 'Europe/Berlin'),
    ]);
    socktech = await startSocktech([inNewYork, inBerlin]);
  });
  after(() => socktech.stop());

  const user = (email: string, traits?: Record<string, unknown>) => ({
    user: { email, hash: userHash(email), ...(traits && { traits }) },
  });
  const mailFor = async (email: string) =>
    (await harness().mail.messages()).filter((m) => m.to.includes(email));

  it("holds an email until the window opens in the user's zone, the flow's, or UTC, surviving a worker restart", async function () {
    this.timeout(150_000);
    const stamp = Date.now();
    const traitNewYork = `ny-${stamp}@example.com`;
    const badTrait = `bad-${stamp}@example.com`;
    const noTrait = `none-${stamp}@example.com`;
    const { client, taskQueue } = socktech;
    const [ny, bad, none] = await Promise.all([
      startFlowRun(
        client,
        taskQueue,
        inNewYork,
        traitNewYork,
        user(traitNewYork, { timezone: 'America/New_York' }),
      ),
      // An unknown zone in the profile: the flow's zone, Berlin.
      startFlowRun(
        client,
        taskQueue,
        inBerlin,
        badTrait,
        user(badTrait, { timezone: 'Mars/Olympus_Mons' }),
      ),
      // New York's window in Berlin's clock: hours away.
      startFlowRun(client, taskQueue, inNewYork, noTrait, user(noTrait)),
    ]);
    const mail = async (handle: typeof ny) =>
      (await handle.query(progressQuery)).nodes[0] as NodeState;
    for (const handle of [ny, bad]) {
      const node = await waitUntil(async () => {
        const n = await mail(handle);
        return n.state === 'waiting' && n.windowOpensAt ? n : undefined;
      }, 'the wait for the window');
      assert.equal(node.windowOpensAt, new Date(opensAt).toISOString());
    }
    const later = await waitUntil(async () => (await mail(none)).windowOpensAt, 'the third wait');
    const hoursAway = (Date.parse(later) - opensAt) / 3_600_000;
    assert.ok(hoursAway >= 5, `Berlin's opening is ${hoursAway} h after New York's`);

    // The timer is durable: no worker while it runs out.
    await socktech.stopWorker();
    assert.deepEqual(await mailFor(traitNewYork), []);
    await waitUntil(() => Date.now() > opensAt + 1000, 'the opening', 90_000);
    await socktech.startWorker();

    for (const [handle, email] of [
      [ny, traitNewYork],
      [bad, badTrait],
    ] as const) {
      const { nodes } = await handle.result();
      assert.equal(nodes[0].state, 'completed');
      assert.ok(Date.parse(nodes[0].endedAt!) >= opensAt, 'sent once the window opened');
      assert.ok(Date.parse(nodes[0].startedAt!) < opensAt, 'the node started before the wait');
      await waitUntil(async () => (await mailFor(email)).length === 1, `the email to ${email}`);
    }
    assert.equal((await mail(none)).state, 'waiting');
    assert.deepEqual(await mailFor(noTrait), []);
    await none.terminate('test over');
  });
});
