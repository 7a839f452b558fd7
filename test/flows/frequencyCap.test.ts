import assert from 'node:assert/strict';
import type { FlowFile } from '../../src/flows/schema';
import { validateFlow } from '../../src/flows/validate';

const DAY = 86_400_000;

function flowFile(extra: Partial<FlowFile> = {}, email: Record<string, unknown> = {}): FlowFile {
  return {
    id: 'capped',
    name: 'Capped',
    trigger: { event: 'user.signed_up' },
    actions: [
      { id: 'promo', type: 'sendEmail', subject: 'Promo', body: '<p>Promo</p>', ...email },
      { id: 'next', type: 'webhook', url: '/next', after: ['promo:capped'] },
    ],
    ...extra,
  } as FlowFile;
}

const problems = async (file: FlowFile) => {
  const result = await validateFlow(file);
  assert.equal(result.ok, false, 'expected problems');
  return result.ok
    ? []
    : result.problems.map((p) => (p.node ? `${p.node}: ${p.message}` : p.message));
};

describe('frequency caps in flow files', () => {
  it('normalises a cap of the flow and of an email, with onCap, and takes the capped path', async () => {
    const result = await validateFlow(
      flowFile(
        { frequencyCap: { max: 3, per: '7d' } },
        { frequencyCap: { max: 1, per: '1d' }, onCap: 'delay' },
      ),
    );

    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.flow.frequencyCap, { max: 3, perMs: 7 * DAY });
    const [promo] = result.flow.actions;
    assert.equal(promo.type, 'sendEmail');
    assert.deepEqual(promo.type === 'sendEmail' && [promo.frequencyCap, promo.onCap], [
      { max: 1, perMs: DAY },
      'delay',
    ]);
  });

  it('names the field of a cap that is not one', async () => {
    assert.deepEqual(
      await problems(flowFile({ frequencyCap: { max: 0, per: '7 days' } as never })),
      [
        'frequencyCap.max: must be 1 or more',
        'frequencyCap.per: "7 days" is not a duration: use a whole number and a unit (ms, s, m, h, d, w), e.g. "30s"',
      ],
    );
    assert.deepEqual(
      await problems(flowFile({}, { frequencyCap: { max: 2, per: '0s' }, onCap: 'later' })),
      [
        'promo: frequencyCap.per: must be longer than 0',
        'promo: onCap: expected one of "skip", "delay", got "later"',
      ],
    );
  });

  it('refuses a cap on a transactional email, which is never capped', async () => {
    const message = (key: string) =>
      `promo: ${key}: transactional emails are never capped; remove it, or make the email "category": "marketing"`;

    assert.deepEqual(
      await problems(
        flowFile({}, { category: 'transactional', frequencyCap: { max: 1, per: '1d' } }),
      ),
      [message('frequencyCap')],
    );
    assert.deepEqual(await problems(flowFile({ category: 'transactional' }, { onCap: 'skip' })), [
      message('onCap'),
    ]);
  });
});
