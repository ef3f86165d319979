// A reader who comments `/pinwarden pin` is told once why nothing happens; asking again in the
// same issue within the window gets a reaction only, so nobody can make the bot post (and
// @mention them) without limit. Bounded: the oldest entries go first.
import { FirstInWindow } from '../common/first-in-window.js';

export class RefusalWindow {
  readonly #told: FirstInWindow;
  constructor(options: { windowMs?: number; max?: number } = {}) {
    this.#told = new FirstInWindow(options);
  }

  /** True the first time `who` is refused in `where` within the window; false after that. */
  firstRefusal(where: string, who: string): boolean {
    return this.#told.first(`${where}\u0000${who.toLowerCase()}`);
  }
}
