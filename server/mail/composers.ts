import type { Composer } from './mail.types.ts';

/** kind → composer. The worker looks the composer up at send time. */
export class ComposerRegistry {
  private readonly composers = new Map<string, Composer>();

  register(kind: string, composer: Composer): this {
    if (this.composers.has(kind)) throw new Error(`A mail composer for "${kind}" is already registered`);
    this.composers.set(kind, composer);
    return this;
  }

  get(kind: string): Composer | undefined {
    return this.composers.get(kind);
  }

  kinds(): string[] {
    return [...this.composers.keys()];
  }
}
