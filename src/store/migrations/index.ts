import { deliveries } from './001-deliveries';
import { suppressions } from './002-suppressions';
import { profiles } from './003-profiles';
import { flows } from './010-flows';
import { sendCaps } from './020-send-caps';
import { rateLimits } from './021-rate-limits';
import { entries } from './030-entries';
import { pending } from './040-pending';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** In version order. Forward-only: a released migration is never edited, only followed. */
export const migrations: Migration[] = [
  { version: 1, name: 'deliveries', sql: deliveries },
  { version: 2, name: 'suppressions', sql: suppressions },
  { version: 3, name: 'profiles', sql: profiles },
  { version: 10, name: 'flows', sql: flows },
  { version: 20, name: 'send caps', sql: sendCaps },
  { version: 21, name: 'rate limits', sql: rateLimits },
  { version: 30, name: 'entries', sql: entries },
  { version: 40, name: 'pending operations', sql: pending },
];
