import assert from 'node:assert/strict';
import { loadFlows } from '../../src/flows/load';
import type { Flow } from '../../src/flows/schema';
import { progressQuery } from '../../src/workflows/definitions';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';

describe('an event through the API runs the sample welcome flow', () => {
  let socktech: Socktech;
  let welcome: Flow;

  before(async () => {
    welcome = (await loadFlows('flows')).get('welcome')!;
    // The sample waits three days between its emails; the test waits one second.
    const actions = welcome.actions.map((a) =>
      a.type === 'delay' ? { ...a, durationMs: 1000 } : a,
    );
    socktech = await startSocktech([{ ...welcome, actions }]);
  });
  after(() => socktech.stop());

  it('delivers both emails rendered and calls the webhook with an idempotency key', async () => {
    const email = `Ada.${Date.now()}@Example.com`;
    const { status, body } = await socktech.post('/v1/events', {
      name: welcome.trigger.event,
      email: ` ${email} `,
      properties: { ...welcome.sample!.properties, name: 'Ada <b>Lovelace</b>' },
    });
    assert.equal(status, 202);
    const [match] = body.events[0].matched;
    assert.equal(match.outcome, 'started');
    assert.ok(!match.workflowId.includes('@'), 'no email in clear in the workflow ID');

    const handle = socktech.client.workflow.getHandle(match.workflowId);
    const result = await handle.result();
    assert.deepEqual(
      result.nodes.map((n: { state: string }) => n.state),
      welcome.actions.map(() => 'completed'),
    );

    const h = harness();
    const mine = await waitUntil(async () => {
      const all = (await h.mail.messages()).filter((m) =>
        m.to.some((to) => to.toLowerCase() === email.toLowerCase()),
      );
      return all.length === 2 && all;
    }, 'two emails');
    for (const message of mine) {
      assert.match(message.messageId, /^<.+@.+>$/);
      assert.ok(!message.html.includes('<b>Lovelace</b>'), 'properties are HTML-escaped');
    }
    assert.match(mine[0].html, /Ada &lt;b&gt;Lovelace/);

    const hook = await h.webhooks.waitFor(
      (r) => r.headers['idempotency-key']?.toString().startsWith(match.workflowId + '/') ?? false,
    );
    assert.equal(hook.method, 'POST');

    const progress = await handle.query(progressQuery);
    assert.ok(progress.nodes.every((n) => n.startedAt && n.endedAt));
  });
});
