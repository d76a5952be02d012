import type { Db } from '../db/client.ts';
import type { OutboxRow } from './mail.table.ts';
import type { Composer, ComposerDeps } from './mail.types.ts';

export type MailKindHooks = {
  /**
   * Runs inside the transaction that records an attempt's outcome (the row as it is being
   * stored), so the domain's bookkeeping commits with it: one commit instead of two. It must be
   * synchronous and write through `tx`. If it throws, only its own writes are undone (a
   * savepoint) and the error is logged; the outcome is recorded all the same, and the domain
   * must be able to repair what is missing.
   */
  recordOutcome?: (tx: Db, row: OutboxRow, deps: ComposerDeps) => void;
  /**
   * Called after an attempt's outcome is recorded (the row as stored: sent, failed with or
   * without a next attempt, rejected). For domain bookkeeping such as an audit event or the
   * appeal's state. Errors are logged, never retried; the outbox row stays the truth, and the
   * domain must be able to repair a missed call (the process may die between the two).
   */
  onOutcome?: (row: OutboxRow, deps: ComposerDeps) => void | Promise<void>;
};

/** kind → composer (and optional hooks). The worker looks the composer up at send time. */
export class ComposerRegistry {
  private readonly kinds_ = new Map<string, { composer: Composer; hooks: MailKindHooks }>();

  register(kind: string, composer: Composer, hooks: MailKindHooks = {}): this {
    if (this.kinds_.has(kind)) throw new Error(`A mail composer for "${kind}" is already registered`);
    this.kinds_.set(kind, { composer, hooks });
    return this;
  }

  get(kind: string): Composer | undefined {
    return this.kinds_.get(kind)?.composer;
  }

  hooks(kind: string): MailKindHooks {
    return this.kinds_.get(kind)?.hooks ?? {};
  }

  kinds(): string[] {
    return [...this.kinds_.keys()];
  }
}
