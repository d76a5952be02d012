/** The source of "now". Injected everywhere so that tests and PDF rendering are deterministic. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
