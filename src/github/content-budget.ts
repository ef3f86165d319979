// GitHub's content-creation limit: "no more than 80 content-generating requests per minute and
// no more than 500 per hour". Octokit's throttling already spaces writes a second apart (60 a
// minute); this keeps the hourly count, per installation, by delaying a write until the oldest
// of the last 500 is an hour old. Pure bookkeeping here; the Octokit plugin applies it.
export interface ContentLimits {
  readonly perMinute: number;
  readonly perHour: number;
}

export const GITHUB_CONTENT_LIMITS: ContentLimits = { perMinute: 80, perHour: 500 };

/**
 * When the next write may go, given the times of earlier writes (ascending) and `now`, with
 * a minute and an hour of `msPerSecond * 60` and `msPerSecond * 3600` milliseconds.
 */
export function nextWriteAt(history: readonly number[], now: number, limits: ContentLimits, msPerSecond: number): number {
  const minute = 60 * msPerSecond;
  const hour = 3600 * msPerSecond;
  let at = now;
  const inHour = history.filter((time) => time > now - hour);
  if (inHour.length >= limits.perHour) at = Math.max(at, inHour[inHour.length - limits.perHour]! + hour);
  const inMinute = history.filter((time) => time > now - minute);
  if (inMinute.length >= limits.perMinute) at = Math.max(at, inMinute[inMinute.length - limits.perMinute]! + minute);
  return at;
}

/** Write times per installation; each list is trimmed to the last hour as it grows. */
export class ContentBudget {
  readonly #history = new Map<string, number[]>();
  readonly #limits: ContentLimits;
  readonly #msPerSecond: number;
  readonly #now: () => number;

  constructor(options: { limits?: ContentLimits; msPerSecond?: number; now?: () => number } = {}) {
    this.#limits = options.limits ?? GITHUB_CONTENT_LIMITS;
    this.#msPerSecond = options.msPerSecond ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Reserves the next slot for `key` and returns how long to wait for it. */
  reserve(key: string): number {
    const history = this.#history.get(key) ?? [];
    const now = this.#now();
    const at = nextWriteAt(history, now, this.#limits, this.#msPerSecond);
    history.push(at);
    const horizon = now - 3600 * this.#msPerSecond;
    while (history.length > 0 && history[0]! <= horizon) history.shift();
    this.#history.set(key, history);
    return at - now;
  }
}
