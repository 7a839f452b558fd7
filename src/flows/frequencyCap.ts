import { z } from 'zod';
import { parseDuration } from './duration';
import type { FlowProblem } from './problems';
import type { Action, Category } from './schema';

/** At most `max` marketing emails to one user, across all flows, in any `perMs`. */
export interface FrequencyCap {
  max: number;
  perMs: number;
}

/** What a capped email does: ends with the outcome `capped`, or waits until the cap allows it. */
export const ON_CAP = ['skip', 'delay'] as const;
export type OnCap = (typeof ON_CAP)[number];

/** `{ "max": 3, "per": "7d" }`, as a flow, an email or FREQUENCY_CAP writes it. */
export const frequencyCapSchema = z
  .strictObject({
    max: z.number().int('must be a whole number').min(1, 'must be 1 or more'),
    per: z.string().transform((text, ctx) => {
      try {
        const ms = parseDuration(text);
        if (ms > 0) return ms;
        ctx.addIssue({ code: 'custom', message: 'must be longer than 0' });
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
      return z.NEVER;
    }),
  })
  .transform(({ max, per }): FrequencyCap => ({ max, perMs: per }));

/** Caps hold marketing email back only: a cap setting on a transactional one is a mistake. */
export function capProblems(actions: Action[], flowCategory: Category): FlowProblem[] {
  return actions.flatMap((action) => {
    if (action.type !== 'sendEmail') return [];
    if ((action.category ?? flowCategory) !== 'transactional') return [];
    const set = (['frequencyCap', 'onCap'] as const).filter((key) => action[key] !== undefined);
    return set.map((key) => ({
      node: action.id,
      message: `${key}: transactional emails are never capped; remove it, or make the email "category": "marketing"`,
    }));
  });
}
