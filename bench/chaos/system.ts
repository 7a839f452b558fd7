import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../test/harness/devServer';
import { writeChaosFlows, type ChaosFlows } from './flows';
import { startCountingSink, type CountingSink } from './sink';
import { chaosSocktech, untilHealthy, type ChaosSocktech } from './socktech';
import { chaosTemporal, type ChaosTemporal } from './temporal';

/**
 * What the scenarios break: a Temporal dev server and `npm start`'s process, each its own
 * process on free ports, with a data folder of this run's own, and the counting sink here.
 */
export interface ChaosSystem {
  dir: string;
  flows: ChaosFlows;
  sink: CountingSink;
  temporal: ChaosTemporal;
  socktech: ChaosSocktech;
  /** This process's own client, to read the runs back. */
  client: Client;
  /** Stops everything and deletes the run's folder, but for the logs when asked. */
  stop(keepLogs?: boolean): Promise<void>;
}

export async function startChaosSystem(): Promise<ChaosSystem> {
  const dir = mkdtempSync(path.join(tmpdir(), 'socktech-chaos-'));
  const [flows, sink, temporalPort, apiPort, metricsPort] = await Promise.all([
    writeChaosFlows(path.join(dir, 'flows')),
    startCountingSink(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const temporal = chaosTemporal(
    temporalPort,
    path.join(dir, 'temporal.db'),
    path.join(dir, 'temporal.log'),
  );
  const socktech = chaosSocktech(
    {
      TEMPORAL_ADDRESS: temporal.address,
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      WORKER_METRICS_PORT: String(metricsPort),
      SMTP_URL: sink.smtpUrl,
      WEBHOOK_BASE_URL: sink.webhookUrl,
      FLOWS_DIR: path.join(dir, 'flows'),
      SOCKTECH_DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'warn',
    },
    dir,
  );
  let connection: Connection | undefined;
  const stop = async (keepLogs = false) => {
    await socktech.stop();
    await connection?.close();
    await Promise.all([temporal.stop(), sink.close()]);
    for (const entry of readdirSync(dir)) {
      if (!keepLogs || !entry.endsWith('.log')) rmSync(path.join(dir, entry), { recursive: true });
    }
    if (!keepLogs) rmSync(dir, { recursive: true });
  };

  try {
    await temporal.start();
    await socktech.start();
    await untilHealthy(socktech.url);
    connection = await Connection.connect({ address: temporal.address });
    return {
      dir,
      flows,
      sink,
      temporal,
      socktech,
      client: new Client({ connection, namespace: 'default' }),
      stop,
    };
  } catch (err) {
    await stop(true);
    throw new Error(`${(err as Error).message}; logs in ${dir}`, { cause: err });
  }
}
