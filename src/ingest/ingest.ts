import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { FlowIndex } from '../flows/load';
import {
  propertyProblems,
  requiredProperties,
  type PropertyProblems,
} from '../flows/requiredProperties';
import type { Flow } from '../flows/schema';
import { matchesWhere } from '../flows/where';
import type { Store } from '../store/db';
import type { Entry } from '../store/entries';
import { queuePending, type PendingOperation } from '../store/pending';
import type { RunEvent, RunUser } from '../workflows/definitions';
import { deliver } from './deliver';
import type { IncomingEvent } from './event';
import { dedupeKey, userHash, workflowIdFor } from './identity';
import { readKnown, recordEntered } from './known';
import type { Delivery, FailedDelivery, FlowMatch } from './match';
import { startRun } from './startRun';
import { failureReason, isUnreachable, TemporalUnavailableError } from './unavailable';

export interface EventResult {
  /** The dedupe key: the client's, or one derived from the event. */
  id: string;
  matched: FlowMatch[];
  /** Runs of this user that were waiting for such an event and were handed it. */
  delivered: Delivery[];
  /** Runs waiting for such an event that could not be handed it; absent when none. */
  undelivered?: FailedDelivery[];
  /** Runs waiting for such an event that will be handed it once Temporal answers; absent when none. */
  queued?: Delivery[];
}

export interface IngestDeps {
  client: Client;
  /** The users' traits, and who entered each `once` flow. */
  store: Store;
  flows: () => FlowIndex;
  taskQueue: string;
  /** Only when the client shares its connection with a worker in this process. */
  eagerStart: boolean;
  /** A run that started but whose entry into a `once` flow could not be recorded. */
  logError: (err: unknown) => void;
}

/**
 * Starts and signals for every event. Throws TemporalUnavailableError when Temporal could not
 * be reached and nothing was started or delivered, so the whole request may be sent again.
 * When it could not be reached for some of them but others went through, those are kept in the
 * store for the relay and reported `queued`, so no request is left half-done. Any other failure
 * is an outcome of its event, next to what did succeed. The store is read
 * for the whole request before anything starts, so when it fails, nothing has happened.
 */
export type Ingest = (events: IncomingEvent[]) => Promise<EventResult[]>;

function invalidReason({ missing, wrongType }: PropertyProblems): string {
  const ofUser = missing.filter((path) => path.startsWith('user.'));
  const ofEvent = missing.filter((path) => !path.startsWith('user.'));
  return [
    ...(ofEvent.length > 0 ? [`the event lacks ${ofEvent.join(', ')}`] : []),
    ...(ofUser.length > 0 ? [`the user's profile lacks ${ofUser.join(', ')}`] : []),
    ...wrongType.map((path) => `${path} is an object or an array, but a template prints it`),
  ].join('; ');
}

export function createIngest(deps: IngestDeps): Ingest {
  return async (events) => {
    const index = deps.flows();
    // A 503 tells the client to send the whole request again: right only if nothing happened.
    let changed = false;
    let unreachable: unknown;
    // What Temporal could not be reached for: kept in the store if anything else went through.
    const unreached: PendingOperation[] = [];
    const failed = (err: unknown, operation: PendingOperation) => {
      if (isUnreachable(err)) {
        unreachable ??= err;
        unreached.push(operation);
      }
      return failureReason(err);
    };

    const prepared = events.map((incoming) => {
      const { name, email, properties, timestamp } = incoming;
      const event = { name, id: dedupeKey(incoming), timestamp, properties };
      const flows = index.forEvent(name);
      const passing = flows.filter((flow) => matchesWhere(flow.trigger.where, properties));
      return { event, email, userHash: userHash(email), flows, passing };
    });
    const known = await readKnown(
      deps.store,
      prepared.map(({ userHash, passing }) => ({ userHash, flows: passing })),
    );

    // Temporal's REJECT_DUPLICATE says the user entered while it retains the run: recording it
    // also after a duplicate mends an entry a crash kept from being recorded after its start.
    // Recorded for the whole request at once, when its starts are done.
    const entering: Entry[] = [];
    const enter = (flow: Flow, user: RunUser) => {
      if (flow.reentry === 'once') entering.push({ flowId: flow.id, userHash: user.hash });
    };

    const start = async (
      flow: Flow,
      event: RunEvent & { id: string },
      user: RunUser,
      passes: boolean,
    ): Promise<FlowMatch> => {
      const match = { flowId: flow.id, workflowId: workflowIdFor(flow, user.hash, event.id) };
      if (!passes) return { ...match, outcome: 'filtered' };
      const problems = propertyProblems(requiredProperties(flow), event, user.traits);
      if (problems) {
        return { ...match, outcome: 'invalid', ...problems, reason: invalidReason(problems) };
      }
      if (flow.reentry === 'once' && known.entered(flow.id, user.hash)) {
        return { ...match, outcome: 'duplicate' };
      }
      const input = { flow, user, event };
      try {
        const runId = await startRun(deps, match.workflowId, input);
        changed = true;
        enter(flow, user);
        return { ...match, outcome: 'started', runId };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          enter(flow, user);
          return { ...match, outcome: 'duplicate' };
        }
        const operation = { kind: 'start' as const, workflowId: match.workflowId, input };
        return {
          ...match,
          outcome: 'error',
          reason: failed(err, { ...operation, flowId: flow.id }),
        };
      }
    };

    const results = await Promise.all(
      prepared.map(async ({ event, email, userHash, flows, passing }): Promise<EventResult> => {
        const traits = known.traits(userHash);
        const user: RunUser = { email, hash: userHash, ...(traits && { traits }) };
        const [matched, attempts] = await Promise.all([
          Promise.all(flows.map((flow) => start(flow, event, user, passing.includes(flow)))),
          deliver(deps.client, index, user.hash, event),
        ]);
        const delivered = attempts.filter((a) => a.error === undefined).map((a) => a.delivery);
        const undelivered = attempts.flatMap(({ delivery, error }) =>
          error === undefined
            ? []
            : [{ ...delivery, reason: failed(error, { kind: 'signal', ...delivery, event }) }],
        );
        if (delivered.length > 0) changed = true;
        return { id: event.id, matched, delivered, ...(undelivered.length > 0 && { undelivered }) };
      }),
    );
    await recordEntered(deps.store, entering).catch(deps.logError);
    if (unreachable === undefined) return results;
    if (!changed) throw new TemporalUnavailableError(unreachable);
    try {
      await queuePending(deps.store, unreached);
    } catch (err) {
      // Then the errors stand, and the client's retry (same ids) starts what is missing.
      deps.logError(err);
      return results;
    }
    return results.map((result) => asQueued(result, unreached));
  };
}

/** The event's starts and signals that were kept for later, reported as such. */
function asQueued(result: EventResult, kept: PendingOperation[]): EventResult {
  const isKept = (kind: PendingOperation['kind'], workflowId: string) =>
    kept.some(
      (op) =>
        op.kind === kind &&
        op.workflowId === workflowId &&
        (op.kind === 'start' ? op.input.event : op.event).id === result.id,
    );
  const matched = result.matched.map((m): FlowMatch =>
    m.outcome === 'error' && isKept('start', m.workflowId) ? { ...m, outcome: 'queued' } : m,
  );
  const queued = (result.undelivered ?? []).filter((d) => isKept('signal', d.workflowId));
  const undelivered = (result.undelivered ?? []).filter((d) => !queued.includes(d));
  return {
    id: result.id,
    matched,
    delivered: result.delivered,
    ...(undelivered.length > 0 && { undelivered }),
    ...(queued.length > 0 && {
      queued: queued.map(({ flowId, workflowId }) => ({ flowId, workflowId })),
    }),
  };
}
