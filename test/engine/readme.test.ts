import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadFlows } from '../../src/flows/load';
import type { Flow } from '../../src/flows/schema';
import { userHash, workflowIdFor } from '../../src/ingest/identity';
import { startSocktech, type Socktech } from '../harness/socktech';

/** The curl examples of the README's "Send events from your app": route and body. */
function readmeExamples(): { route: string; body: Record<string, any> }[] {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('## Send events from your app');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const curls = section.matchAll(
    /curl -X POST http:\/\/127\.0\.0\.1:3000(\/v1\/\w+)[\s\S]*?-d '([^']+)'/g,
  );
  return [...curls].map(([, route, body]) => ({ route, body: JSON.parse(body) }));
}

describe("the README's examples", () => {
  let socktech: Socktech;
  let flows: readonly Flow[];

  before(async () => {
    // The samples wait days between emails; the test waits a second.
    flows = (await loadFlows('flows')).all().map((flow) => ({
      ...flow,
      actions: flow.actions.map((a) => (a.type === 'delay' ? { ...a, durationMs: 1000 } : a)),
    }));
    socktech = await startSocktech([...flows]);
  });
  after(() => socktech.stop());

  it('start runs of the sample flows that complete', async () => {
    const examples = readmeExamples();
    assert.deepEqual(
      examples.map((e) => e.route),
      ['/v1/events', '/v1/track'],
    );
    for (const [i, { route, body }] of examples.entries()) {
      // A fresh user each time: `welcome` runs once per user.
      const email = `readme.${i}.${Date.now()}@example.com`;
      if (route === '/v1/events') body.email = email;
      else body.context.traits.email = email;
      const reply = await socktech.post(route, body);
      assert.ok(reply.status < 300, `${route}: ${JSON.stringify(reply.body)}`);
      for (const match of reply.body.events?.[0].matched ?? []) {
        assert.equal(match.outcome, 'started', `${route}: ${JSON.stringify(match)}`);
      }
      const name: string = body.name ?? body.event;
      const matching = flows.filter((flow) => flow.trigger.event === name);
      assert.ok(matching.length > 0, `${name} starts a sample flow`);
      for (const flow of matching) {
        const handle = socktech.client.workflow.getHandle(workflowIdFor(flow, userHash(email), ''));
        const result = await handle.result();
        assert.ok(
          result.nodes.every((n: { state: string }) => n.state === 'completed'),
          `${route} ${flow.id}: ${JSON.stringify(result.nodes)}`,
        );
      }
    }
  });
});
