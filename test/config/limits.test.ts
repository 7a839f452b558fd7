import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config';

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('expected the environment to be refused');
};

describe('FREQUENCY_CAP, SMTP_RATE and WEBHOOK_RATE', () => {
  it('are read as a cap and as sends per duration', () => {
    const { limits } = loadConfig({
      FREQUENCY_CAP: '{ "max": 3, "per": "7d" }',
      SMTP_RATE: '14/s',
      WEBHOOK_RATE: '1/2s',
    });

    assert.deepEqual(limits, {
      frequencyCap: { max: 3, perMs: 7 * 86_400_000 },
      smtpRate: { max: 14, perMs: 1000 },
      webhookRate: { max: 1, perMs: 2000 },
    });
    assert.deepEqual(loadConfig({}).limits, {
      frequencyCap: undefined,
      smtpRate: undefined,
      webhookRate: undefined,
    });
  });

  it('are refused, by name, when they say something else', () => {
    assert.match(
      refusal({ SMTP_RATE: '14 per second' }),
      /SMTP_RATE: "14 per second" is not a rate: give sends per duration, such as 14\/s or 600\/m/,
    );
    assert.match(refusal({ WEBHOOK_RATE: '0/s' }), /WEBHOOK_RATE: "0\/s" is not a rate/);
    assert.match(refusal({ FREQUENCY_CAP: '3/7d' }), /FREQUENCY_CAP: must be JSON, such as/);
    assert.match(refusal({ FREQUENCY_CAP: '{"max":3}' }), /FREQUENCY_CAP.per: /);
  });
});
