import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { closeActivities, createActivities } from '../src/activities';
import { loadConfig, sharedSecret, sharedStoreUrl } from '../src/config';
import { openStore } from '../src/store/db';
import { connect } from '../src/temporal/connection';
import { sendersFrom } from '../src/worker';
import { WORKER_OPTIONS } from './settings';

/**
 * Raw Temporal's worker for `npm run bench -- --scale`: the baseline workflows with the same
 * activities and store as `npm run worker`, from the same variables, in a process of its own.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const command = 'the baseline worker';
  const secret = sharedSecret(config, command);
  const store = await openStore({ url: sharedStoreUrl(config, command) });
  const connection = await connect(config.temporal);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: require.resolve('./baseline/workflows'),
    activities: createActivities(sendersFrom(config, secret), store),
    ...WORKER_OPTIONS,
  });
  const running = worker.run();
  // The line `npm run worker` logs when it polls, which the bench waits for.
  console.log(JSON.stringify({ msg: 'worker polling' }));
  await running;
  closeActivities();
  await Promise.all([connection.close(), store.close()]);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
