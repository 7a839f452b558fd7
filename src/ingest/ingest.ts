import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Flow } from '../flows/schema';
import type { FlowIndex } from '../flows/load';
import { matchesWhere } from '../flows/where';
import { EVENT, FLOW_ID, FLOW_VERSION, USER } from '../temporal/searchAttributes';
import type { FlowRunInput, RunEvent, RunUser } from '../workflows/definitions';
import type { IncomingEvent } from './event';
import { deliver, type Delivery } from './deliver';
import { dedupeKey, userHash, workflowIdFor } from './identity';
import { reentryPolicies } from './startOptions';

export type Outcome = 'started' | 'duplicate' | 'filtered';

export interface FlowMatch {
  flowId: string;
  workflowId: string;
  outcome: Outcome;
  runId?: string;
}

export interface EventResult {
  /** The dedupe key: the client's, or one assigned here. */
  id: string;
  matched: FlowMatch[];
  /** Runs of this user that were waiting for such an event and were handed it. */
  delivered: Delivery[];
}

export interface IngestDeps {
  client: Client;
  flows: () => FlowIndex;
  taskQueue: string;
  /** Only when the client shares its connection with a worker in this process. */
  eagerStart: boolean;
}

export type Ingest = (events: IncomingEvent[]) => Promise<EventResult[]>;

export function createIngest(deps: IngestDeps): Ingest {
  const start = async (flow: Flow, event: RunEvent, user: RunUser): Promise<FlowMatch> => {
    const workflowId = workflowIdFor(flow, user.hash, event.id!);
    if (!matchesWhere(flow.trigger.where, event.properties)) {
      return { flowId: flow.id, workflowId, outcome: 'filtered' };
    }
    const input: FlowRunInput = { flow, user, event };
    try {
      const handle = await deps.client.workflow.start('flowRun', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [input],
        ...reentryPolicies[flow.reentry],
        requestEagerStart: deps.eagerStart,
        memo: { email: user.email, event: event.name, flowName: flow.name },
        typedSearchAttributes: [
          { key: FLOW_ID, value: flow.id },
          { key: FLOW_VERSION, value: flow.version },
          { key: USER, value: user.hash },
          { key: EVENT, value: event.name },
        ],
      });
      return { flowId: flow.id, workflowId, outcome: 'started', runId: handle.firstExecutionRunId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        return { flowId: flow.id, workflowId, outcome: 'duplicate' };
      }
      throw err;
    }
  };

  return (events) => {
    const index = deps.flows();
    return Promise.all(
      events.map(async ({ name, email, properties, timestamp, ...rest }) => {
        const id = dedupeKey(rest);
        const user: RunUser = { email, hash: userHash(email) };
        const event: RunEvent = { name, id, timestamp, properties };
        const [matched, delivered] = await Promise.all([
          Promise.all(index.forEvent(name).map((flow) => start(flow, event, user))),
          deliver(deps.client, index, user.hash, event),
        ]);
        return { id, matched, delivered };
      }),
    );
  };
}
