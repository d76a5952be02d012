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
