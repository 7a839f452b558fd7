export interface MailSinkOptions {
  /** 0 or absent: any free port. */
  smtpPort?: number;
  /** 0 or absent: any free port. */
  webPort?: number;
  host?: string;
}

export interface SunkMessage {
  messageId: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** Lower-case names, as MailDev parsed them. */
  headers: Record<string, string | string[]>;
  /** Date.now() when the sink had it, before it answered the message's DATA. */
  receivedAt: number;
}

export interface MailSink {
  smtpUrl: string;
  /** MailDev's web inbox. */
  webUrl: string;
  /** Every message received so far, oldest first. */
  messages(): Promise<SunkMessage[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** MailDev in this process: mail kept in memory, shown on its web inbox. */
export async function startMailSink(options: MailSinkOptions = {}): Promise<MailSink> {
  const host = options.host ?? '127.0.0.1';
  // MailDev is published as an ES module only.
  const { MailDev } = await import('maildev');
  const maildev = new MailDev({
    smtp: options.smtpPort ?? 0,
    web: options.webPort ?? 0,
    ip: host,
    webIp: host,
    silent: true,
  });
  const { smtp, api } = await maildev.start();
  // MailDev's own `time` is the message's Date header, to the second: the fallback only for a
  // message it never announced (one restored from its folder).
  const receivedAt = new Map<string, number>();
  smtp.on('new', (email) => receivedAt.set(email.id, Date.now()));

  const messages = async () =>
    (await smtp.getAllEmails()).map((email) => ({
      messageId: String(email.headers['message-id'] ?? ''),
      to: email.to.map((a) => a.address),
      subject: email.subject,
      html: email.html ?? '',
      text: email.text ?? '',
      headers: email.headers,
      receivedAt: receivedAt.get(email.id) ?? new Date(email.time).getTime(),
    }));

  // One at a time rather than deleteAllEmails(): MailDev keeps the raw files of every
  // instance in one temporary directory, which deleteAllEmails() would empty for all of them.
  const clear = async () => {
    for (const email of await smtp.getAllEmails()) {
      await smtp.deleteEmail(email.id);
      receivedAt.delete(email.id);
    }
  };

  return {
    smtpUrl: `smtp://${host}:${smtp.getPort()}`,
    webUrl: `http://${host}:${api?.getPort()}`,
    messages,
    clear,
    close: async () => {
      await clear();
      await maildev.stop();
    },
  };
}
