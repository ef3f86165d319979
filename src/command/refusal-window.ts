// A reader who comments `/pinwarden pin` is told once why nothing happens; asking again in the
// same issue within the window gets a reaction only, so nobody can make the bot post (and
// @mention them) without limit. Bounded: the oldest entries go first.
import { LRUCache } from 'lru-cache';

export class RefusalWindow {
  readonly #told: LRUCache<string, true>;
  constructor(options: { windowMs?: number; max?: number } = {}) {
    this.#told = new LRUCache({ max: options.max ?? 10_000, ttl: options.windowMs ?? 60 * 60_000 });
  }

  /** True the first time `who` is refused in `where` within the window; false after that. */
  firstRefusal(where: string, who: string): boolean {
    const key = `${where}\u0000${who.toLowerCase()}`;
    if (this.#told.has(key)) return false;
    this.#told.set(key, true);
    return true;
  }
}
