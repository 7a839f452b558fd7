import { finish, type Bench } from './context';
import { newEmails } from './emails';
import { dagEvent } from './flows';
import { postEvents } from './sides';
import { spread, type Spread } from './stats';

export interface DagPoint {
  nodes: number;
  ms: Spread;
  msPerNode: number;
  historyEvents: number;
  eventsPerNode: number;
}

/** One run of each layered DAG at a time: its duration and its history's length. */
export async function dagCost(b: Bench): Promise<DagPoint[]> {
  const { client, apiUrl } = b.stack;
  const points: DagPoint[] = [];
  for (const nodes of b.sizes.dagNodes) {
    const times: number[] = [];
    let historyEvents = 0;
    for (let rep = 0; rep < b.sizes.reps; rep++) {
      b.progress.step(`DAG of ${nodes}: ${rep + 1}/${b.sizes.reps}`);
      const started = performance.now();
      const [id] = await postEvents(apiUrl, dagEvent(nodes), newEmails(1));
      await finish(b, [id]);
      times.push(performance.now() - started);
      historyEvents = (await client.workflow.getHandle(id).fetchHistory()).events?.length ?? 0;
    }
    const ms = spread(times);
    points.push({
      nodes,
      ms,
      msPerNode: ms.median / nodes,
      historyEvents,
      eventsPerNode: historyEvents / nodes,
    });
  }
  return points;
}
