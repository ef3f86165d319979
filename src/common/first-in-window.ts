// Whether something happens for the first time within a window: true once per key until the
// window has passed. Bounded: past `max` keys, the oldest go first.
import { LRUCache } from 'lru-cache';

export class FirstInWindow {
  readonly #seen: LRUCache<string, true>;
  constructor(options: { windowMs?: number; max?: number } = {}) {
    this.#seen = new LRUCache({ max: options.max ?? 10_000, ttl: options.windowMs ?? 60 * 60_000 });
  }

  /** True the first time `key` comes within the window; false after that. */
  first(key: string): boolean {
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, true);
    return true;
  }
}
