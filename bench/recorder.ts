/** What the recorder needs of a side's activities: each reports when it began. */
interface Actions {
  sendEmail(input: { workflowId: string }): Promise<{ startedAt: number }>;
  callWebhook(input: { workflowId: string }): Promise<{ startedAt: number }>;
}

/** Notes when each run's first action began, across every side's activities it wraps. */
export function firstStartRecorder() {
  const firstStart = new Map<string, number>();
  const note = <R extends { startedAt: number }>(workflowId: string, result: R): R => {
    const seen = firstStart.get(workflowId);
    if (seen === undefined || result.startedAt < seen) firstStart.set(workflowId, result.startedAt);
    return result;
  };
  return {
    wrap: <A extends Actions>(activities: A): A => ({
      ...activities,
      sendEmail: async (input: Parameters<A['sendEmail']>[0]) =>
        note(input.workflowId, await activities.sendEmail(input)),
      callWebhook: async (input: Parameters<A['callWebhook']>[0]) =>
        note(input.workflowId, await activities.callWebhook(input)),
    }),
    firstStart: (workflowId: string) => firstStart.get(workflowId),
    /** How many runs have finished an action. */
    runs: () => firstStart.size,
  };
}

export type Recorder = ReturnType<typeof firstStartRecorder>;
