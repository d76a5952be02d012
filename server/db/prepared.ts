import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';

/**
 * A repository's hot queries, prepared once per connection instead of built and prepared on
 * every call (building a Drizzle query costs 10–20× more than running it). Keyed by the
 * connection's session, which its transactions share: a statement prepared once serves the
 * connection and every transaction on it. Placeholders (`sql.placeholder`) in a WHERE take
 * driver values (a timestamp as milliseconds); in a SET they take the column's value (a Date).
 */
export function preparedStatements<T extends object>(build: (db: Db) => T): (db: Db) => T {
  const byConnection = new WeakMap<object, T>();
  return (db) => {
    const session = (db as unknown as { session: object }).session;
    let statements = byConnection.get(session);
    if (!statements) {
      statements = build(db);
      byConnection.set(session, statements);
    }
    return statements;
  };
}

/**
 * One prepared statement per set of columns given (an insert or update whose values differ in
 * their columns): `build` gets the columns with a value and those set to null, sorted. A null
 * stays out of the placeholders: a placeholder goes through the column's encoder (a timestamp's
 * would fail on null).
 */
export function byColumns<S>(build: (columns: string[], nulls: string[]) => S): (values: object) => S {
  const statements = new Map<string, S>();
  return (values) => {
    const set = Object.entries(values).filter(([, value]) => value !== undefined);
    const columns = set.filter(([, value]) => value !== null).map(([column]) => column).sort();
    const nulls = set.filter(([, value]) => value === null).map(([column]) => column).sort();
    const key = `${columns.join(',')}|${nulls.join(',')}`;
    let statement = statements.get(key);
    if (!statement) statements.set(key, (statement = build(columns, nulls)));
    return statement;
  };
}

/** `{ column: sql.placeholder(column) }` for these columns, and `{ column: null }` for the nulls. */
export const placeholdersFor = (columns: string[], nulls: string[] = []) =>
  Object.fromEntries([...columns.map((column) => [column, sql.placeholder(column)]), ...nulls.map((column) => [column, null])]);
