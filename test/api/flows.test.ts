import assert from 'node:assert/strict';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';

describe('/v1/flows', () => {
  let socktech: Socktech;

  const get = async (path: string) => {
    const res = await fetch(socktech.url + path);
    return { status: res.status, body: (await res.json()) as any };
  };
  const trigger = (id: string, body: unknown = {}) =>
    socktech.post(`/v1/flows/${id}/trigger`, body);

  before(async () => {
    const hook = (id: string, after: string[] = []) => ({
      id,
      type: 'webhook' as const,
      url: `${harness().webhooks.url}/flows-api`,
      after,
    });
    socktech = await startSocktech(
      await Promise.all([
        testFlow({
          id: 'api-flows-each',
          name: 'Each click',
          reentry: 'every-event',
          trigger: { event: 'api-flows.each' },
          sample: { email: 'sample@example.com', properties: { name: 'Sam' } },
          actions: [
            { id: 'mail', type: 'sendEmail', subject: 'Hi {{ properties.name }}', body: 'hi' },
            hook('hook'),
            hook('join', ['mail', 'hook']),
          ],
        }),
        testFlow({
          id: 'api-flows-once',
          name: 'Once',
          trigger: { event: 'api-flows.once' },
          sample: { email: 'once@example.com' },
          actions: [hook('hook')],
        }),
        testFlow({
          id: 'api-flows-bare',
          name: 'No sample',
          trigger: { event: 'api-flows.bare' },
          actions: [hook('hook')],
        }),
      ]),
    );
  });
  after(() => socktech.stop());

  it('lists the loaded flows with their DAG in breadth-first levels', async () => {
    const { body } = await get('/v1/flows');
    assert.deepEqual(
      body.flows.map((f: any) => f.id),
      ['api-flows-each', 'api-flows-once', 'api-flows-bare'],
    );
    const { status, body: each } = await get('/v1/flows/api-flows-each');
    assert.equal(status, 200);
    assert.deepEqual(each, body.flows[0]);
    assert.equal(each.reentry, 'every-event');
    assert.deepEqual(each.trigger, { event: 'api-flows.each', where: {} });
    assert.deepEqual(each.sample, {
      event: 'api-flows.each',
      email: 'sample@example.com',
      properties: { name: 'Sam' },
    });
    assert.deepEqual(each.levels, [['mail', 'hook'], ['join']]);
    assert.deepEqual(each.edges, [
      { from: 'mail', to: 'join' },
      { from: 'hook', to: 'join' },
    ]);
    assert.deepEqual(
      each.nodes.map((n: any) => n.type),
      ['sendEmail', 'webhook', 'webhook'],
    );
    assert.equal(body.flows[2].sample, null);

    const missing = await get('/v1/flows/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'no flow with id "nope"');
  });

  it("triggers a flow's sample event: a new run on every click of an every-event flow", async () => {
    const first = await trigger('api-flows-each');
    const second = await trigger('api-flows-each');
    assert.equal(first.status, 202);
    assert.equal(first.body.event.email, 'sample@example.com');
    assert.equal(first.body.event.name, 'api-flows.each');
    const matches = [first, second].map((r) => r.body.matched[0]);
    assert.deepEqual(
      matches.map((m) => [m.flowId, m.outcome]),
      [
        ['api-flows-each', 'started'],
        ['api-flows-each', 'started'],
      ],
    );
    assert.notEqual(matches[0].workflowId, matches[1].workflowId);
    const result = await socktech.client.workflow
      .getHandle(matches[0].workflowId, matches[0].runId)
      .result();
    assert.ok(result.nodes.every((n: any) => n.state === 'completed'));
    await waitUntil(async () => {
      const mails = await harness().mail.messages();
      return mails.filter((m) => m.subject === 'Hi Sam').length === 2;
    }, 'both sample runs to mail with the sample properties');
  });

  it('a once flow answers duplicate for the same email and starts for a new one', async () => {
    const email = `click-${Date.now()}@example.com`;
    const outcomes = [];
    for (const body of [{ email }, { email: ` ${email.toUpperCase()} ` }, { email: `x${email}` }]) {
      outcomes.push((await trigger('api-flows-once', body)).body.matched[0].outcome);
    }
    assert.deepEqual(outcomes, ['started', 'duplicate', 'started']);
  });

  it('needs an email for a flow without a sample, and refuses what is not one', async () => {
    const none = await trigger('api-flows-bare');
    assert.equal(none.status, 400);
    assert.match(none.body.error, /no sample email/);
    const bad = await trigger('api-flows-bare', { email: 'nope' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.problems, ['email: must be an email address']);
    const ok = await trigger('api-flows-bare', { email: `bare-${Date.now()}@example.com` });
    assert.equal(ok.status, 202);
    assert.equal(ok.body.matched[0].outcome, 'started');
    assert.equal((await trigger('nope')).status, 404);
  });
});
