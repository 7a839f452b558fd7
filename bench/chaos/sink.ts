import { startMailSink } from '../../src/devservices/mailSink';
import { startWebhookReceiver } from '../../src/devservices/webhookReceiver';
import { startGate } from './gate';

export interface Mail {
  messageId: string;
  to: string;
  subject: string;
}

export interface WebhookCall {
  /** The Idempotency-Key header. */
  key: string;
  path: string;
  /** What the sink answered: only a 2xx is a delivery. */
  status: number;
}

export interface HeldCall {
  /** The held call's Idempotency-Key; none when no call came in time. */
  key?: string;
  answer(): void;
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
  /**
   * Holds the next webhook call in flight, unanswered, as a kill would find a send it
   * interrupts; resolves when it arrives, or after `timeoutMs` with none.
   */
  nextCall(timeoutMs: number): Promise<HeldCall>;
  smtpDown(): void;
  smtpUp(): Promise<void>;
  close(): Promise<void>;
}

export async function startCountingSink(): Promise<CountingSink> {
  const calls: WebhookCall[] = [];
  const seen = new Set<string>();
  let holding: ((held: HeldCall) => void) | undefined;
  const answer = (path: string, key: string) => {
    if (path === REFUSING_PATH) return 400;
    if (path === FLAKY_PATH && !seen.has(key)) return 500;
    return 200;
  };
  const [mail, webhooks] = await Promise.all([
    startMailSink({ smtpPort: 0, webPort: 0 }),
    startWebhookReceiver({
      port: 0,
      respond: async ({ path, headers }) => {
        const key = String(headers['idempotency-key'] ?? '');
        const status = answer(path, key);
        seen.add(key);
        calls.push({ key, path, status });
        const hold = holding;
        holding = undefined;
        if (hold) await new Promise<void>((answer) => hold({ key, answer }));
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
      })),
    webhookCalls: () => [...calls],
    nextCall: (timeoutMs) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          holding = undefined;
          resolve({ answer: () => {} });
        }, timeoutMs);
        holding = (held) => {
          clearTimeout(timer);
          resolve(held);
        };
      }),
    smtpDown: () => gate.shut(),
    smtpUp: () => gate.open(),
    close: async () => {
      gate.shut();
      await Promise.all([mail.close(), webhooks.close()]);
    },
  };
}
