// Named patches, oldest first (docs/versioning.md): each guards a change to the commands the
// interpreter issues, so that runs started before it still replay their histories.

export const PATCHES = {
  /**
   * Each event is claimed once, by the first waiting node in node order; a retried event id
   * and events no wait can take are dropped. Decided when the run starts.
   */
  inboxClaimsOnce: 'inbox-claims-once',
  /** A node that fails the run lets attempts in flight finish, and records them, first. */
  finishInFlight: 'finish-in-flight-on-failure',
  /** A long history continues as new. */
  continueAsNew: 'continue-as-new',
} as const;

/** The newest patch: the interpreter version that `npm run histories:record` records with. */
export const INTERPRETER_VERSION = PATCHES.continueAsNew;
