import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Flow } from '../flows/schema';

/** The user a run is for. The email travels in the input, never in IDs or search attributes. */
export interface RunUser {
  email: string;
  /** Hash of the normalised email: what IDs and search attributes carry instead. */
  hash: string;
  /** The profile's traits as the run starts, when the user has one; `timezone` places send windows. */
  traits?: Record<string, unknown>;
}

export interface RunEvent {
  name: string;
  id?: string;
  timestamp?: string;
  properties: Record<string, unknown>;
}

export const NODE_STATES = [
  'pending',
  'running',
  'retrying',
  'waiting',
  'completed',
  'failed',
  'skipped',
] as const;
export type NodeStateName = (typeof NODE_STATES)[number];

export const SEND_LIMITS = ['rate limit', 'frequency cap'] as const;
export type SendLimit = (typeof SEND_LIMITS)[number];

export interface NodeState {
  id: string;
  type: string;
  state: NodeStateName;
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  lastError?: string;
  nextAttemptAt?: string;
  /** An email due outside its send window waits until then. */
  windowOpensAt?: string;
  /** A send held back by a rate limit or a frequency cap, while it waits. */
  limit?: { by: SendLimit; until: string };
  /** Which path a branching node took; plain actions have none. */
  outcome?: string;
  /** Properties of the event a waitForEvent node received. */
  properties?: Record<string, unknown>;
  /** Finished in an earlier run of the same input (a rerun skips it). */
  fromEarlierRun?: boolean;
}

export interface FlowRunInput {
  /** The flow as it was when the event arrived: editing the file never changes this run. */
  flow: Flow;
  event: RunEvent;
  user: RunUser;
  /** Nodes that completed in a failed run this one reruns. */
  resume?: Record<string, NodeState>;
  limits?: RunLimits;
  /** Where the run was when it continued as new; absent in a run's first execution. */
  carried?: CarriedState;
}

export interface RunLimits {
  /** Continue as new, at the next moment every node in flight sleeps, past this many events. */
  historyEvents: number;
}

export interface CarriedState {
  nodes: NodeState[];
  /** When each sleeping node wakes (epoch ms): a delay's end, a back-off's end, a wait's timeout. */
  deadlines: Record<string, number>;
  inbox: InboxState;
}

export interface InboxState {
  /** Events no wait has taken yet, oldest first. */
  events: RunEvent[];
  /** Ids of the events received lately, so a client's retry of one is received once. */
  seen: string[];
}

/** An event that met one of the flow's exit rules, and when the run took it. */
export interface RunExit {
  event: RunEvent;
  at: string;
}

export interface RunProgress {
  nodes: NodeState[];
  failure?: { node: string; message: string };
  /** Set when an exit event ended the run: it completes, with nodes left where they were. */
  exit?: RunExit;
}

export const progressQuery = defineQuery<RunProgress>('progress');

/** Another event of the same user, delivered to runs that may be waiting for it. */
export const eventSignal = defineSignal<[RunEvent]>('event');
