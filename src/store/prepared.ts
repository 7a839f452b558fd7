import {
  parse,
  protocol,
  type PGlite,
  type Transaction,
  type messages as BackendMessages,
} from '@electric-sql/pglite';
import type { QueryOptions } from './db';

type RowDescription = BackendMessages.RowDescriptionMessage;

const PER_RUN = 'force_custom_plan';
const ONCE = 'force_generic_plan';
type PlanMode = typeof PER_RUN | typeof ONCE;

interface Statement {
  name: string;
  /** The type of each parameter, as the server inferred it. */
  types: number[];
  /** Absent for a statement that returns no rows. */
  rows?: RowDescription;
}

/** More than the store's statements, all fixed texts: a text past it is prepared for one run. */
const MAX_STATEMENTS = 500;

const { serialize } = protocol;

/**
 * PGlite's `query` parses, analyses and plans its statement every time, in six calls into
 * PostgreSQL; for the store's short statements that is most of their cost (a ledger lookup took
 * 0.28 ms of CPU that way, 0.09 ms prepared). So each text is prepared once, by name, and then
 * runs as one bind, execute and sync. Results and errors are those of `query`.
 *
 * Planned at each run, with its values, as `query` plans: a generic plan, made once for any
 * values, joins a batch's `unnest` of unknown length by reading the whole table, and a ledger
 * run's CPU grew from 2.2 to 4.2 ms as the ledger grew to 24,000 rows. A statement asked with
 * `planOnce` (a lookup or a write by key, whose plan is the same for any values) keeps the
 * generic plan, which saves most of what is left: ingest's read before a start and its write
 * after it took 0.77-0.82 ms of CPU together planned at each run, 0.23-0.35 ms planned once.
 */
export async function preparedQueries(db: PGlite) {
  await db.exec(`set plan_cache_mode = ${PER_RUN}`);
  let mode: PlanMode = PER_RUN;
  const statements = new Map<string, Statement>();
  let prepared = 0;

  const planned = async (wanted: PlanMode) => {
    if (mode === wanted) return;
    await db.execProtocol(serialize.query(`set plan_cache_mode = ${wanted}`));
    mode = wanted;
  };

  // Past MAX_STATEMENTS a text is prepared unnamed, for this run only.
  const prepare = async (text: string, keep: boolean): Promise<Statement> => {
    const name = keep ? `socktech_${prepared++}` : '';
    const { messages } = await db.execProtocol(
      concat([
        serialize.parse({ name, text }),
        serialize.describe({ type: 'S', name }),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const rows = messages.find((m): m is RowDescription => m.name === 'rowDescription');
    const statement = { name, types: parse.parseDescribeStatementResults(messages), rows };
    if (keep) statements.set(text, statement);
    return statement;
  };

  const run = async (text: string, params: unknown[], again = false): Promise<unknown[]> => {
    const statement =
      statements.get(text) ?? (await prepare(text, statements.size < MAX_STATEMENTS));
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = db.serializers[statement.types[i]];
      return serializer ? serializer(value) : String(value);
    });
    let messages: BackendMessages.BackendMessage[];
    try {
      ({ messages } = await db.execProtocol(
        concat([
          serialize.bind({ statement: statement.name, values }),
          serialize.execute({}),
          serialize.sync(),
        ]),
      ));
    } catch (err) {
      // A table changed under a `select *` since it was prepared ("cached plan must not change
      // result type"): prepared anew, it answers as `query` would.
      if (again || (err as { code?: string }).code !== '0A000') throw err;
      statements.delete(text);
      return run(text, params, true);
    }
    const described = statement.rows ? [statement.rows, ...messages] : messages;
    return parse.parseResults(described, db.parsers)[0].rows;
  };

  return {
    query: <T>(text: string, params: unknown[] = [], options: QueryOptions = {}): Promise<T[]> =>
      // The locks `query` takes: none of it runs inside another's transaction or query.
      db._runExclusiveTransaction(() =>
        db._runExclusiveQuery(async () => {
          await planned(options.planOnce ? ONCE : PER_RUN);
          return (await run(text, params)) as T[];
        }),
      ),
    /** A transaction's own statements are planned at each run, whatever the last one asked. */
    planPerRun: async (tx: Transaction): Promise<void> => {
      if (mode !== PER_RUN) await tx.exec(`set local plan_cache_mode = ${PER_RUN}`);
    },
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const whole = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}
