import { startMailSink } from '../src/devservices/mailSink';
import { startWebhookReceiver } from '../src/devservices/webhookReceiver';

/**
 * The mail sink and the webhook receiver, in a process of their own: receiving thousands of
 * messages should cost the process being measured (worker and API) nothing, as in production.
 */
export interface SinkUrls {
  smtpUrl: string;
  webhookUrl: string;
}

async function main(): Promise<void> {
  const [mail, webhooks] = await Promise.all([
    startMailSink({ smtpPort: 0, webPort: 0 }),
    startWebhookReceiver({ port: 0 }),
  ]);
  const urls: SinkUrls = { smtpUrl: mail.smtpUrl, webhookUrl: webhooks.url };
  process.send!(urls);
  process.once('disconnect', () => {
    void Promise.all([mail.close(), webhooks.close()]).finally(() => process.exit(0));
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
