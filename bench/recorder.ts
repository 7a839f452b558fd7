import type { Activities } from '../src/activities';

/** The activities, noting when each run's first action began (the activities report it). */
export function recordFirstStarts(activities: Activities) {
  const firstStart = new Map<string, number>();
  const note = <R extends { startedAt: number }>(workflowId: string, result: R): R => {
    const seen = firstStart.get(workflowId);
    if (seen === undefined || result.startedAt < seen) firstStart.set(workflowId, result.startedAt);
    return result;
  };
  const recorded: Activities = {
    sendEmail: async (input) => note(input.workflowId, await activities.sendEmail(input)),
    callWebhook: async (input) => note(input.workflowId, await activities.callWebhook(input)),
  };
  return {
    activities: recorded,
    firstStart: (workflowId: string) => firstStart.get(workflowId),
    /** How many runs have finished an action. */
    runs: () => firstStart.size,
  };
}

export type Recorder = ReturnType<typeof recordFirstStarts>;
