import type { WorkerOptions } from '@temporalio/worker';

/** Worker options for every worker in the bench, both sides alike; {} is the SDK's defaults. */
export const WORKER_OPTIONS: Partial<WorkerOptions> = {};

export const NAMESPACE = 'default';
