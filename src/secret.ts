import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type Config } from './config';

/**
 * SOCKTECH_SECRET, else the one `npm start` generated into the data folder on its first start:
 * unsubscribe links sent before a restart must still work after it.
 */
export async function secretOf(config: Pick<Config, 'secret' | 'dataDir'>): Promise<string> {
  if (config.secret) return config.secret;
  const file = path.join(config.dataDir, 'secret');
  const kept = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (kept !== undefined) {
    const secret = kept.trim();
    if (secret.length < 32) {
      throw new ConfigError(`${file}: a secret of at least 32 characters, or delete the file`);
    }
    return secret;
  }
  const secret = randomBytes(32).toString('hex');
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
