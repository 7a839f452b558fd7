import { startMailSink } from '../../src/devservices/mailSink';
import { startWebhookReceiver } from '../../src/devservices/webhookReceiver';
import { startGate } from './gate';

export interface Mail {
  messageId: string;
  to: string;
  subject: string;
  /** Date.now() when the sink had it. */
  at: number;
}

export interface WebhookCall {
  /** The Idempotency-Key header. */
  key: string;
  path: string;
  /** What the sink answered: only a 2xx is a delivery. */
  status: number;
  /** Date.now() when the sink had it. */
  at: number;
}

/** Webhook paths that answer other than 200. */
export const FLAKY_PATH = '/flaky';
export const REFUSING_PATH = '/refuse';

/**
 * Every mail and webhook call Socktech makes, recorded: MailDev behind a gate that can take
 * SMTP down, and the webhook receiver. `/flaky` answers 500 to a key's first call and 200
 * after; `/refuse` always answers 400.
 */
export interface CountingSink {
  smtpUrl: string;
  webhookUrl: string;
  mails(): Promise<Mail[]>;
  webhookCalls(): WebhookCall[];
  smtpDown(): void;
  smtpUp(): Promise<void>;
  close(): Promise<void>;
}

export async function startCountingSink(): Promise<CountingSink> {
  const calls: WebhookCall[] = [];
  const seen = new Set<string>();
  const answer = (path: string, key: string) => {
    if (path === REFUSING_PATH) return 400;
    if (path === FLAKY_PATH && !seen.has(key)) return 500;
    return 200;
  };
  const [mail, webhooks] = await Promise.all([
    startMailSink({ smtpPort: 0, webPort: 0 }),
    startWebhookReceiver({
      port: 0,
      respond: ({ path, headers }) => {
        const key = String(headers['idempotency-key'] ?? '');
        const status = answer(path, key);
        seen.add(key);
        calls.push({ key, path, status, at: Date.now() });
        return status;
      },
    }),
  ]);
  const gate = await startGate(Number(new URL(mail.smtpUrl).port));
  return {
    smtpUrl: `smtp://127.0.0.1:${gate.port}`,
    webhookUrl: webhooks.url,
    mails: async () =>
      (await mail.messages()).map((m) => ({
        messageId: m.messageId,
        to: m.to.join(','),
        subject: m.subject,
        at: m.receivedAt,
      })),
    webhookCalls: () => [...calls],
    smtpDown: () => gate.shut(),
    smtpUp: () => gate.open(),
    close: async () => {
      gate.shut();
      await Promise.all([mail.close(), webhooks.close()]);
    },
  };
}
