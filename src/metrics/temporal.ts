import type { TelemetryOptions } from '@temporalio/worker';

export interface WorkerMetrics {
  telemetryOptions: TelemetryOptions;
  url: string;
}

/** The Temporal SDK's own metrics (polls, task latencies, slots), served by the SDK itself. */
export function workerMetrics(host: string, port: number): WorkerMetrics {
  // The SDK wants an IP address; IPv6 ones in brackets.
  const ip = host === 'localhost' ? '127.0.0.1' : host;
  const address = ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
  return {
    telemetryOptions: { metrics: { prometheus: { bindAddress: address } } },
    url: `http://${address}/metrics`,
  };
}
