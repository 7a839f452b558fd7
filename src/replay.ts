import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { loadConfig } from './config';
import { clientFor, connect } from './temporal/connection';

const usage = 'usage: npm run replay -- <workflowId> | --file history.json';

/**
 * Replays a run's history against the current workflow code: the check that a change to the
 * interpreter is safe for runs in flight. Exit 0 when it replays cleanly.
 */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { file: { type: 'string' } },
    allowPositionals: true,
  });
  const workflowId = positionals[0];
  if (!values.file === !workflowId) {
    console.error(usage);
    return 2;
  }
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const history = values.file
    ? historyFromJSON(JSON.parse(await readFile(values.file, 'utf8')))
    : await fetchHistory(workflowId);
  const label = values.file ?? workflowId;
  try {
    await Worker.runReplayHistory(
      { workflowsPath: require.resolve('./workflows') },
      history,
      label,
    );
  } catch (err) {
    console.error(`${label}: does not replay: ${(err as Error).message}`);
    return 1;
  }
  console.log(`${label}: replays cleanly (${history.events?.length ?? 0} events)`);
  return 0;
}

async function fetchHistory(workflowId: string) {
  const { temporal } = loadConfig();
  const connection = await connect(temporal);
  try {
    return await clientFor(connection, temporal).workflow.getHandle(workflowId).fetchHistory();
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
