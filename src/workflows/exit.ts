import { upsertSearchAttributes } from '@temporalio/workflow';
import type { ExitRule } from '../flows/schema';
import { matchesWhere, valueAt } from '../flows/where';
import { EXITED, OUTCOME } from '../temporal/searchAttributes';
import type { FlowRunInput, RunEvent, RunProgress } from './definitions';
import type { Run } from './run';

/**
 * The exit rule a later event of the user meets: its name and `where`, and with `match`, the
 * trigger event's value of that property (the same cart, not another one the user has open).
 */
export function exitRuleFor(
  { flow, event: trigger }: FlowRunInput,
  event: RunEvent,
): ExitRule | undefined {
  // Ingest hands an event to the runs that exit on it as it starts the new run: the trigger
  // itself never ends its own run.
  if (event.id !== undefined && event.id === trigger.id) return undefined;
  return flow.exitOn?.find(
    (rule) =>
      rule.event === event.name &&
      matchesWhere(rule.where, event.properties) &&
      (rule.match === undefined || sameValue(rule.match, trigger, event)),
  );
}

function sameValue(path: string, trigger: RunEvent, event: RunEvent): boolean {
  const value = valueAt(trigger.properties, path);
  return value !== undefined && valueAt(event.properties, path) === value;
}

/** Ends the run at once: nothing starts any more, and every sleep is woken and dropped. */
export function exitRun(run: Run, progress: RunProgress, event: RunEvent): void {
  run.exit = progress.exit = { event, at: new Date().toISOString() };
  run.sleeping.cancel();
}

/** For the runs list: Temporal's own status of an exited run is Completed. */
export function markExited(): void {
  upsertSearchAttributes([{ key: OUTCOME, value: EXITED }]);
}
