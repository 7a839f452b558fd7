import { buildIndex } from '../../src/flows/load';
import type { FlowFile } from '../../src/flows/schema';
import { createIngest, type Ingest } from '../../src/ingest/ingest';
import { clientFor } from '../../src/temporal/connection';
import { testFlow } from './flows';
import { harness } from './hooks';

/**
 * The API's ingest for one test flow, without an API: its runs start on `taskQueue`, for a
 * worker the test spawns (and kills) itself.
 */
export async function ingestFor(
  taskQueue: string,
  file: FlowFile,
): Promise<{ client: ReturnType<typeof clientFor>; ingest: Ingest }> {
  const h = harness();
  const client = clientFor(h.env.nativeConnection, { namespace: 'default', taskQueue });
  const flow = await testFlow(file);
  const ingest = createIngest({
    client,
    store: h.store,
    flows: () => buildIndex([flow]),
    taskQueue,
    eagerStart: false,
    logError: (err) => console.error(err),
  });
  return { client, ingest };
}
