// What can go wrong reading or acting on runs, in the runs' own terms: src/api/errors.ts maps
// each to an HTTP status, so this folder knows nothing of HTTP.

/** No flow run has that workflow ID (or run ID). */
export class RunNotFound extends Error {}

/** A rerun of a run that is not failed, or that another rerun has taken over. */
export class NotRerunnable extends Error {}

/** A cancel of a run that is not running. */
export class NotCancelable extends Error {}

/** The run's progress query went unanswered, most often for want of a worker. */
export class ProgressUnavailable extends Error {}

/** A page token that does not belong to the list asked for. */
export class ForeignPageToken extends Error {}
