import { readFile } from 'node:fs/promises';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TLSConfig } from '@temporalio/worker';
import type { TemporalSettings } from '../config';

export const DEV_SERVER_ADDRESS = '127.0.0.1:7233';

async function tlsConfig(settings: TemporalSettings): Promise<TLSConfig | undefined> {
  const tls = settings.tls;
  if (!tls) return undefined;
  const read = (path?: string) => (path ? readFile(path) : undefined);
  const [crt, key, ca] = await Promise.all([
    read(tls.certPath),
    read(tls.keyPath),
    read(tls.caPath),
  ]);
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: ca,
    clientCertPair: crt && key ? { crt, key } : undefined,
  };
}

/**
 * One native connection serves both the worker and the client in a single process: sharing it
 * is what lets a start request ask for eager execution on the local worker.
 */
export async function connect(settings: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: settings.address ?? DEV_SERVER_ADDRESS,
    tls: await tlsConfig(settings),
    apiKey: settings.apiKey,
  });
}

export function clientFor(connection: NativeConnection, settings: TemporalSettings): Client {
  return new Client({ connection, namespace: settings.namespace });
}
