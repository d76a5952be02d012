import type { Composer, MailHooks } from './mail.types.ts';

/** kind → composer (and optional hooks). The worker looks them up at send time. */
export class ComposerRegistry {
  private readonly composers = new Map<string, Composer>();
  private readonly hookMap = new Map<string, MailHooks>();

  register(kind: string, composer: Composer, hooks?: MailHooks): this {
    if (this.composers.has(kind)) throw new Error(`A mail composer for "${kind}" is already registered`);
    this.composers.set(kind, composer);
    if (hooks) this.hookMap.set(kind, hooks);
    return this;
  }

  get(kind: string): Composer | undefined {
    return this.composers.get(kind);
  }

  hooks(kind: string): MailHooks | undefined {
    return this.hookMap.get(kind);
  }

  kinds(): string[] {
    return [...this.composers.keys()];
  }
}
