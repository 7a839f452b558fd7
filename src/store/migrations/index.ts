import { deliveries } from './001-deliveries';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** In version order. Forward-only: a released migration is never edited, only followed. */
export const migrations: Migration[] = [{ version: 1, name: 'deliveries', sql: deliveries }];
