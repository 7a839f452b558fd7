import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { loadConfig } from './config';
import { clientFor, connect } from './temporal/connection';

const usage = 'usage: npm run replay -- <workflowId> | --file history.json | --dir test/histories';

/**
 * Replays histories against the current workflow code: the check that a change to the
 * interpreter is safe for runs in flight. Exit 0 when every one replays cleanly.
 */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { file: { type: 'string' }, dir: { type: 'string' } },
    allowPositionals: true,
  });
  const workflowId = positionals[0];
  if ([values.file, values.dir, workflowId].filter(Boolean).length !== 1) {
    console.error(usage);
    return 2;
  }
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const histories = values.dir
    ? await Promise.all((await jsonFiles(values.dir)).map(historyFile))
    : [values.file ? await historyFile(values.file) : await fetchHistory(workflowId)];
  const replays = Worker.runReplayHistories(
    { workflowsPath: require.resolve('./workflows') },
    histories,
  );
  let failed = 0;
  for await (const { workflowId: label, error } of replays) {
    if (error) {
      failed++;
      console.error(`${label}: does not replay: ${error.message}`);
    } else {
      const { history } = histories.find((h) => h.workflowId === label)!;
      console.log(`${label}: replays cleanly (${history.events?.length ?? 0} events)`);
    }
  }
  return failed === 0 ? 0 : 1;
}

async function jsonFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return names.map((name) => path.join(dir, name));
}

async function historyFile(file: string) {
  return { workflowId: file, history: historyFromJSON(JSON.parse(await readFile(file, 'utf8'))) };
}

async function fetchHistory(workflowId: string) {
  const { temporal } = loadConfig();
  const connection = await connect(temporal);
  try {
    const handle = clientFor(connection, temporal).workflow.getHandle(workflowId);
    return { workflowId, history: await handle.fetchHistory() };
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
