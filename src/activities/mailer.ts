import { createTransport, type Transporter } from 'nodemailer';

// One pool per SMTP server for the whole process: opening an SMTP session per message would
// dominate the reaction time that the benchmarks measure.
const transports = new Map<string, Transporter>();

export function mailer(smtpUrl: string): Transporter {
  let transport = transports.get(smtpUrl);
  if (!transport) {
    // The workflow retries with its own back-off, so fail fast instead of nodemailer's
    // minutes-long defaults.
    transport = createTransport({
      url: smtpUrl,
      pool: true,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    transports.set(smtpUrl, transport);
  }
  return transport;
}

export function closeMailers(): void {
  for (const transport of transports.values()) transport.close();
  transports.clear();
}
