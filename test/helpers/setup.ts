import { afterEach, vi } from 'vitest';

// An unexpected console.error or console.warn fails the test that caused it.
const failOnConsole = (method: 'error' | 'warn') => {
  const original = console[method];
  console[method] = (...args: unknown[]) => {
    original(...args);
    throw new Error(`Unexpected console.${method}: ${args.map(String).join(' ')}`);
  };
};
failOnConsole('error');
failOnConsole('warn');

afterEach(() => {
  vi.useRealTimers();
});
