import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createActivities, type SendEmailInput } from '../../src/activities';
import { openStore, type Store } from '../../src/store/db';
import { findDelivery } from '../../src/store/ledger';
import { openPostgres } from '../../src/store/postgres';
import { freePort } from '../harness/devServer';
import { harness } from '../harness/hooks';
import { freshPostgresDatabase } from '../harness/postgres';
import { failureOf } from './failureOf';

describe('a send when the ledger fails', () => {
  let store: Store;
  before(async () => {
    store = await openStore({ url: await freshPostgresDatabase() });
    // A real failure of the ledger's insert, a given number of times: a sequence is not rolled
    // back with the failed statement, so it counts the attempts.
    await store.exec(`
      create sequence insert_attempts;
      create table insert_failures (remaining integer not null);
      insert into insert_failures values (0);
      create function fail_inserts() returns trigger language plpgsql as $$
      begin
        if nextval('insert_attempts') <= (select remaining from insert_failures) then
          raise exception 'the disk is full';
        end if;
        return new;
      end $$;
      create trigger fail_inserts before insert on deliveries
        for each row execute function fail_inserts();
    `);
  });
  after(() => store.close());

  const failInserts = async (times: number) => {
    await store.query('select setval($1, 1, false)', ['insert_attempts']);
    await store.query('update insert_failures set remaining = $1', [times]);
  };

  const email = (): SendEmailInput => {
    const to = `ledger-down-${randomUUID()}@example.com`;
    return {
      workflowId: `ledger-down:${randomUUID()}`,
      nodeId: 'greet',
      subject: 'Hello',
      body: '<p>Hello</p>',
      context: {
        user: { email: to },
        event: { name: 'signup', id: 'ev-1', properties: {} },
        properties: {},
        flow: { id: 'ledger-down', name: 'Ledger down', version: '1' },
        nodes: {},
      },
    };
  };
  const sendWith = (ledger: Store) => {
    const h = harness();
    const deps = {
      smtpUrl: h.mail.smtpUrl,
      mailFrom: 'test@socktech.local',
      webhookBaseUrl: '',
      publicUrl: 'http://socktech.test',
      secret: h.secret,
    };
    return createActivities(deps, ledger).sendEmail;
  };
  const copiesTo = async (input: SendEmailInput) =>
    (await harness().mail.messages()).filter((m) => m.to.includes(input.context.user.email)).length;

  it('sends nothing and fails transiently when the ledger cannot be read', async () => {
    const port = await freePort();
    const unreachable = openPostgres(`postgres://postgres@127.0.0.1:${port}/socktech`);
    const input = email();
    try {
      const failure = await failureOf(sendWith(unreachable)(input));

      assert.equal(failure.nonRetryable, false);
      assert.equal(failure.type, 'StoreUnavailable');
      assert.match(failure.message, /^Cannot read the send ledger: .*ECONNREFUSED/);
      assert.equal(await copiesTo(input), 0);
    } finally {
      await unreachable.close();
    }
  });

  it('tries the write again after the provider accepted, and records the send', async () => {
    await failInserts(2);
    const input = email();
    const result = await sendWith(store)(input);

    assert.equal(await copiesTo(input), 1);
    const row = await findDelivery(store, { ...input, eventId: 'ev-1' });
    assert.equal(row?.messageId, result.messageId);
  });

  it('fails the attempt transiently, saying it was delivered, when the write keeps failing', async () => {
    await failInserts(3);
    const input = email();
    const failure = await failureOf(sendWith(store)(input));

    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.type, 'StoreUnavailable');
    assert.match(failure.message, /^Delivered, but cannot record it .*: the disk is full$/);
    assert.equal(await copiesTo(input), 1);
  });
});
