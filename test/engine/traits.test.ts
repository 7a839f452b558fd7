import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { requiredProperties } from '../../src/flows/requiredProperties';
import type { Flow, FlowFile } from '../../src/flows/schema';
import { validateFlow } from '../../src/flows/validate';
import { userHash } from '../../src/ingest/identity';
import type { FlowRunInput } from '../../src/workflows/definitions';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';

const greeting: FlowFile = {
  id: 'greet-traits',
  name: 'Greet by trait',
  trigger: { event: 'traits.greet' },
  actions: [
    {
      id: 'hello',
      type: 'sendEmail',
      subject: 'Hello {{ user.traits.first_name }}',
      body: '<p>{% if user.traits.vip %}VIP {% endif %}{{ user.traits.plan | default: "free" }}</p>',
    },
  ],
};

describe("templates read the user's traits", () => {
  let socktech: Socktech;
  let flow: Flow;

  before(async () => {
    flow = await testFlow(greeting);
    socktech = await startSocktech([flow]);
  });
  after(() => socktech.stop());

  const mailTo = (email: string) =>
    waitUntil(async () => {
      const [mail] = (await harness().mail.messages()).filter((m) => m.to.includes(email));
      return mail;
    }, `the email to ${email}`);

  it("renders the traits identify calls stored, and the run's input carries them", async () => {
    const email = `traits-${randomUUID()}@example.com`;
    const userId = `u-${randomUUID()}`;
    const identify = (traits: Record<string, unknown>) => ({ type: 'identify', userId, traits });
    const { status, body } = await socktech.post('/v1/batch', {
      batch: [
        identify({ email, first_name: 'Ada', plan: 'free' }),
        identify({ vip: true, plan: '<b>pro</b>' }),
        { type: 'track', userId, event: 'traits.greet' },
      ],
    });
    assert.deepEqual([status, body], [200, { success: true }]);

    const mail = await mailTo(email);
    assert.equal(mail.subject, 'Hello Ada');
    assert.match(mail.html, /<p>VIP &lt;b&gt;pro&lt;\/b&gt;<\/p>/);
    const workflowId = `greet-traits:${userHash(email)}`;
    const history = await socktech.client.workflow.getHandle(workflowId).fetchHistory();
    const [payload] =
      history.events?.[0].workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const input = JSON.parse(Buffer.from(payload.data!).toString()) as FlowRunInput;
    assert.deepEqual(input.user.traits, {
      email,
      first_name: 'Ada',
      plan: '<b>pro</b>',
      vip: true,
    });
  });

  it('starts no run for a user without a trait a template prints, and says which', async () => {
    const email = `no-traits-${randomUUID()}@example.com`;
    const { status, body } = await socktech.post('/v1/events', { name: 'traits.greet', email });

    assert.equal(status, 202);
    const [match] = body.events[0].matched;
    assert.equal(match.outcome, 'invalid');
    assert.deepEqual(match.missing, ['user.traits.first_name']);
    assert.equal(match.reason, "the user's profile lacks user.traits.first_name");
  });
});

describe('flows:check and user.traits', () => {
  it('requires a trait printed bare, not one tested or defaulted', async () => {
    const flow = await testFlow(greeting);
    assert.deepEqual(
      requiredProperties(flow).map((r) => r.path),
      ['user.traits.first_name'],
    );
  });

  it("renders the sample's traits, and names a trait the sample lacks", async () => {
    const sample = { email: 'ada@example.com', traits: { first_name: 'Ada', vip: true } };
    const withTraits = await validateFlow({ ...greeting, sample });
    assert.equal(withTraits.ok, true);

    const without = await validateFlow({ ...greeting, sample: { email: 'ada@example.com' } });
    assert.equal(without.ok, false);
    assert.match(
      without.ok ? '' : without.problems.map((p) => p.message).join('\n'),
      /subject: fails on the sample: .*first_name/,
    );

    const unknownRoot = await validateFlow({
      ...greeting,
      actions: [{ id: 'x', type: 'sendEmail', subject: '{{ traits.name }}', body: 'b' }],
    });
    assert.equal(unknownRoot.ok, false, 'traits are under user, not a root of their own');
  });
});
