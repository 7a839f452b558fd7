import type { WorkflowExecutionInfo, WorkflowExecutionStatusName } from '@temporalio/client';
import { userHash } from '../ingest/identity';
import { EVENT, EXITED, FLOW_ID, FLOW_VERSION, OUTCOME, USER } from '../temporal/searchAttributes';
import type { RunFilter, RunStatus, RunSummary } from './schemas';

type GroupedStatus = Exclude<RunStatus, 'exited'>;

// Visibility's query language spells statuses its own way.
const visibilityStatuses: Record<GroupedStatus, string[]> = {
  running: ['Running'],
  completed: ['Completed'],
  failed: ['Failed', 'TimedOut', 'Terminated', 'Canceled'],
};

const statusIn = (status: GroupedStatus) =>
  `ExecutionStatus IN (${visibilityStatuses[status].map((value) => `'${value}'`).join(', ')})`;

// An exited run completed as far as Temporal knows; only it sets the outcome attribute.
const statusClauses: Record<RunStatus, string> = {
  running: statusIn('running'),
  completed: `${statusIn('completed')} AND ${OUTCOME.name} IS NULL`,
  exited: `${statusIn('completed')} AND ${OUTCOME.name} = '${EXITED}'`,
  failed: statusIn('failed'),
};

/**
 * A visibility query for flow runs, one entry per run: an execution that continued as new is
 * left out, its latest execution stands for the run. Flow ids and hashes hold no quotes, so
 * quoting is safe.
 */
export function runsQuery({ status, flowId, email }: RunFilter): string {
  const clauses = ["WorkflowType = 'flowRun'", "ExecutionStatus != 'ContinuedAsNew'"];
  if (flowId) clauses.push(`${FLOW_ID.name} = '${flowId}'`);
  if (email) clauses.push(`${USER.name} = '${userHash(email)}'`);
  if (status) clauses.push(statusClauses[status]);
  return clauses.join(' AND ');
}

/** The runs that did not exit, by Temporal's status: what a count of the other lists groups. */
export function groupedRunsQuery(filter: Omit<RunFilter, 'status'>): string {
  return `${runsQuery(filter)} AND ${OUTCOME.name} IS NULL GROUP BY ExecutionStatus`;
}

/**
 * The list a run belongs in, from visibility's spelling (as a count's GROUP BY returns it);
 * exited runs are among the completed ones there.
 */
export function statusOfGroup(value: string): GroupedStatus | undefined {
  return (Object.keys(visibilityStatuses) as GroupedStatus[]).find((status) =>
    visibilityStatuses[status].includes(value),
  );
}

/**
 * The same, from the SDK's spelling; paused is still running. An execution that continued as
 * new did its part (only asked for by run ID: lists show a run's latest execution).
 */
export function statusOf(name: WorkflowExecutionStatusName): GroupedStatus {
  if (name === 'RUNNING' || name === 'PAUSED') return 'running';
  if (name === 'COMPLETED' || name === 'CONTINUED_AS_NEW') return 'completed';
  return 'failed';
}

type ExecutionInfo = Pick<
  WorkflowExecutionInfo,
  'workflowId' | 'runId' | 'status' | 'startTime' | 'closeTime' | 'memo' | 'typedSearchAttributes'
>;

export function summarize(info: ExecutionInfo): RunSummary {
  const memo = info.memo ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const attribute = (key: typeof FLOW_ID) => info.typedSearchAttributes.get(key) ?? null;
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    flowId: attribute(FLOW_ID),
    flowVersion: attribute(FLOW_VERSION),
    flowName: text(memo.flowName),
    email: text(memo.email),
    event: text(memo.event) ?? attribute(EVENT),
    status:
      info.status.name === 'COMPLETED' && attribute(OUTCOME) === EXITED
        ? 'exited'
        : statusOf(info.status.name),
    temporalStatus: info.status.name,
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString() ?? null,
  };
}
