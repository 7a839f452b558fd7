import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './devServer';
import { harness } from './hooks';
import { postgresUrl } from './postgres';

/**
 * `npm run worker` as a process of its own, against the run's dev server, mail sink, webhook
 * receiver and PostgreSQL database: what a test needs to SIGKILL a worker or read its own
 * metrics port.
 */
export async function spawnWorker(env: Record<string, string>): Promise<ChildProcess> {
  const h = harness();
  return spawn(process.execPath, ['--require', 'tsx/cjs', 'src/worker.ts'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: h.address,
      SMTP_URL: h.mail.smtpUrl,
      WEBHOOK_BASE_URL: h.webhooks.url,
      WORKER_METRICS_PORT: String(await freePort()),
      DATABASE_URL: await postgresUrl(),
      SOCKTECH_SECRET: h.secret,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: 'inherit',
  });
}
