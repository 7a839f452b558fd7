import type { WorkflowStartOptions } from '@temporalio/client';
import type { Reentry } from '../flows/schema';

type Policies = Pick<WorkflowStartOptions, 'workflowIdReusePolicy' | 'workflowIdConflictPolicy'>;

/**
 * A flow's `reentry` is carried by Temporal's ID policies, so dedupe holds across API processes
 * without a lock. A running run always wins (FAIL).
 */
export const reentryPolicies: Record<Reentry, Policies> = {
  // One ID per user, and closed runs block it too: at most one run per user, for as long as
  // the namespace's retention remembers the closed run; the store's entries, after that.
  once: { workflowIdReusePolicy: 'REJECT_DUPLICATE', workflowIdConflictPolicy: 'FAIL' },
  // One ID per user: a new run only when the previous one has ended.
  'after-exit': { workflowIdReusePolicy: 'ALLOW_DUPLICATE', workflowIdConflictPolicy: 'FAIL' },
  // One ID per event: the same event twice is a duplicate, another event is another run.
  'every-event': { workflowIdReusePolicy: 'REJECT_DUPLICATE', workflowIdConflictPolicy: 'FAIL' },
};
