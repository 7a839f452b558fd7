import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { closeActivities } from '../src/activities';
import { bundleWorkflows } from './bundles';
import { forkScript, stopChild } from './child';
import { benchFlows } from './flows';
import { progressBar } from './progress';
import { resultsJson, writeResults } from './results';
import { scaleBench } from './scale';
import { sendRateBench } from './sendRate';
import { createBenchDatabase, postgresServerUrl } from './postgres';
import { measure } from './run';
import { startServer } from './server';
import type { SinkUrls } from './sinks';
import { FULL, QUICK, steps } from './sizes';
import { startStack } from './stack';
import { report } from './table';

/**
 * `npm run bench [-- --quick]`: Socktech and raw Temporal side by side on one dev server.
 * `--scale`: the same flow on a Temporal cluster, with more and more processes (bench/scale.ts).
 * `--rate`: 1,000 emails queued under SMTP_RATE=20/s, timed per second (bench/sendRate.ts).
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const sizes = quick ? QUICK : FULL;
  const startedAt = new Date();
  const loadAtStart = loadavg()[0];
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
  if (process.argv.includes('--scale')) return scaleBench(quick);
  if (process.argv.includes('--rate')) return sendRateBench(quick);

  // First: an unreachable PostgreSQL should fail the bench before anything else starts.
  const database = await createBenchDatabase(postgresServerUrl());
  process.stderr.write('starting a dev server and the sinks, bundling the workflows…\n');
  const [server, sinks, bundles, flows] = await Promise.all([
    startServer(),
    forkScript<SinkUrls>(path.join(__dirname, 'sinks.ts')),
    bundleWorkflows(),
    benchFlows(sizes.dagNodes),
  ]);
  const stack = await startStack(
    { address: server.address, ...sinks.first },
    bundles,
    flows,
    database.url,
  );
  try {
    const measured = await measure(stack, bundles, sizes, progressBar(steps(sizes)));
    const results = await resultsJson(
      stack.client,
      { startedAt, quick, sizes, loadAtStart },
      measured,
    );
    const file = writeResults(results);
    const what = quick ? 'quick run' : 'full run';
    process.stdout.write(
      `\nSocktech vs raw Temporal, one dev server, ${cpus().length} cores, ${what} in ` +
        `${results.durationS} s, load average ${loadAtStart.toFixed(1)} before, ` +
        `${loadavg()[0].toFixed(1)} after; median (min–max) of ${sizes.reps} repetitions\n\n` +
        `${report(measured)}\n\nall figures: ${path.relative(process.cwd(), file)}\n`,
    );
  } finally {
    await stack.stop();
    closeActivities();
    await stopChild(sinks.child);
    await server.stop();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
