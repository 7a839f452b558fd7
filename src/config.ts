import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseDuration } from './flows/duration';
import { frequencyCapSchema, type FrequencyCap } from './flows/frequencyCap';
import type { Rate } from './store/rateLimit';

const port = z.coerce.number().int().min(0).max(65535);
const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const hostNames = z
  .string()
  .transform((list) =>
    list
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().regex(/^[\w-]+(\.[\w-]+)*$/, {
        error: (issue) =>
          `"${String(issue.input)}" is not a host name: give names alone, no scheme or port`,
      }),
    ),
  );

/** `14/s`, `600/m`, `1/2s`: sends per duration, whose number is 1 when left out. */
const rate = z
  .string()
  .regex(/^[1-9]\d*\/([1-9]\d*)?(ms|s|m|h|d|w)$/, {
    error: (issue) =>
      `"${String(issue.input)}" is not a rate: give sends per duration, such as 14/s or 600/m`,
  })
  .transform((text): Rate => {
    const [max, per] = text.split('/');
    return { max: Number(max), perMs: parseDuration(/^\d/.test(per) ? per : `1${per}`) };
  });
const frequencyCap = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON, such as {"max":3,"per":"7d"}' });
      return z.NEVER;
    }
  })
  .pipe(frequencyCapSchema);

/** Every setting Socktech reads from the environment, validated once. */
const envSchema = z.object({
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('socktech'),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: flag.optional(),
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_TLS_CA: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_UI_URL: z.string().url().optional(),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  INGEST_MAX_IN_FLIGHT: z.coerce.number().int().min(1).default(500),
  SOCKTECH_API_KEYS: z.string().optional(),
  SOCKTECH_API_KEYS_FILE: z.string().optional(),
  SOCKTECH_OPEN: flag.optional(),
  SOCKTECH_ALLOWED_HOSTS: hostNames.default([]),
  WORKER_METRICS_PORT: port.default(9464),
  FLOWS_DIR: z.string().default('flows'),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('Socktech <flows@socktech.local>'),
  MAIL_SINK_SMTP_PORT: port.default(1025),
  MAIL_SINK_WEB_PORT: port.default(1080),
  WEBHOOK_BASE_URL: z.string().url().optional(),
  WEBHOOK_RECEIVER_PORT: port.default(3100),
  FREQUENCY_CAP: frequencyCap.optional(),
  SMTP_RATE: rate.optional(),
  WEBHOOK_RATE: rate.optional(),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })
    .optional(),
  SOCKTECH_DATA_DIR: z.string().min(1).default('.data'),
  SOCKTECH_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters: `openssl rand -hex 32` makes one')
    .optional(),
  SOCKTECH_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export interface TemporalSettings {
  /** Unset means "start a local dev server" for `npm start`. */
  address?: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  tls?: { serverName?: string; certPath?: string; keyPath?: string; caPath?: string };
  uiUrl?: string;
}

export interface Config {
  temporal: TemporalSettings;
  /**
   * `apiKeys` empty: no auth, and the API binds a loopback HOST only, unless `open`.
   * `allowedHosts`: names it answers to besides localhost, IP addresses and `host`.
   */
  http: {
    host: string;
    port: number;
    apiKeys: string[];
    open: boolean;
    allowedHosts: string[];
    /** Events being started at once by one API process; more get 429. */
    ingestMaxInFlight: number;
  };
  /** The worker's Prometheus endpoint (the Temporal SDK's own metrics), on HOST. */
  workerMetricsPort: number;
  flowsDir: string;
  mail: { smtpUrl?: string; from: string; sinkSmtpPort: number; sinkWebPort: number };
  webhook: { baseUrl?: string; receiverPort: number };
  /**
   * FREQUENCY_CAP: for marketing emails whose flow sets none. SMTP_RATE, WEBHOOK_RATE (per
   * host): across every worker that shares the store.
   */
  limits: { frequencyCap?: FrequencyCap; smtpRate?: Rate; webhookRate?: Rate };
  /** Socktech's own data: PostgreSQL at `url`, else the embedded store in `dataDir`. */
  store: { url?: string; dataDir: string };
  /** Where `npm start` keeps its data: the embedded store, a generated secret. */
  dataDir: string;
  /** Signs unsubscribe links; `npm start` generates one into `dataDir` when unset. */
  secret?: string;
  /** The API as recipients' browsers and mail clients reach it: the base of unsubscribe links. */
  publicUrl: string;
  logLevel: Env['LOG_LEVEL'];
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const wantsTls =
    e.TEMPORAL_TLS ?? Boolean(e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA);
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
      tls: wantsTls
        ? {
            serverName: e.TEMPORAL_TLS_SERVER_NAME,
            certPath: e.TEMPORAL_TLS_CERT,
            keyPath: e.TEMPORAL_TLS_KEY,
            caPath: e.TEMPORAL_TLS_CA,
          }
        : undefined,
      uiUrl: e.TEMPORAL_UI_URL,
    },
    http: {
      host: e.HOST,
      port: e.PORT,
      apiKeys: apiKeys(e.SOCKTECH_API_KEYS, e.SOCKTECH_API_KEYS_FILE),
      open: e.SOCKTECH_OPEN ?? false,
      allowedHosts: e.SOCKTECH_ALLOWED_HOSTS,
      ingestMaxInFlight: e.INGEST_MAX_IN_FLIGHT,
    },
    workerMetricsPort: e.WORKER_METRICS_PORT,
    flowsDir: e.FLOWS_DIR,
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      sinkSmtpPort: e.MAIL_SINK_SMTP_PORT,
      sinkWebPort: e.MAIL_SINK_WEB_PORT,
    },
    webhook: { baseUrl: e.WEBHOOK_BASE_URL, receiverPort: e.WEBHOOK_RECEIVER_PORT },
    limits: { frequencyCap: e.FREQUENCY_CAP, smtpRate: e.SMTP_RATE, webhookRate: e.WEBHOOK_RATE },
    store: { url: e.DATABASE_URL, dataDir: path.join(e.SOCKTECH_DATA_DIR, 'store') },
    dataDir: e.SOCKTECH_DATA_DIR,
    secret: e.SOCKTECH_SECRET,
    publicUrl: (e.SOCKTECH_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * The embedded store serves one process, so a command that runs apart from the others (the API
 * alone, a worker alone) needs a PostgreSQL they all reach.
 */
export function sharedStoreUrl(config: Config, command: string): string {
  if (config.store.url) return config.store.url;
  throw new ConfigError(
    `DATABASE_URL: required by ${command}, which runs apart from the rest of Socktech; ` +
      'the embedded store serves one process only (npm start)',
  );
}

/** The secret of a command that runs apart from `npm start`, which alone keeps its own. */
export function sharedSecret(config: Config, command: string): string {
  if (config.secret) return config.secret;
  throw new ConfigError(
    `SOCKTECH_SECRET: required by ${command}, which runs apart from the rest of Socktech; ` +
      'every process must sign and check unsubscribe links with the same one',
  );
}

/** Comma-separated in the variable, one per line in the file; both may be given. */
function apiKeys(list = '', file?: string): string[] {
  const entries = [...list.split(','), ...readLines(file)].map((k) => k.trim()).filter(Boolean);
  entries.forEach(parseApiKey);
  return entries;
}

export interface ApiKey {
  /** Who the flow audit says did a change: the entry's name, else a fingerprint of the key. */
  name: string;
  key: string;
}

const KEY_NAME = /^[\w.-]+$/;

/**
 * `name:key`, or a bare key as before names existed. The first colon splits, so a key that
 * itself holds a colon needs a name in front.
 */
export function parseApiKey(entry: string): ApiKey {
  const colon = entry.indexOf(':');
  if (colon === -1) {
    const fingerprint = createHash('sha256').update(entry).digest('hex').slice(0, 8);
    return { name: `key-${fingerprint}`, key: entry };
  }
  const name = entry.slice(0, colon);
  const key = entry.slice(colon + 1);
  if (!KEY_NAME.test(name) || !key) {
    // The entry is not echoed: it may be a key.
    throw new ConfigError(
      'SOCKTECH_API_KEYS: an entry with a colon is name:key, the name made of letters, ' +
        'digits, "_", "." and "-" and the key after the colon; a key that holds a colon ' +
        'needs a name in front of it',
    );
  }
  return { name, key };
}

function readLines(file?: string): string[] {
  if (!file) return [];
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch (err) {
    throw new ConfigError(`SOCKTECH_API_KEYS_FILE: ${(err as Error).message}`);
  }
}
