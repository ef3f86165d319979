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
 * The minute and the hour as the budget counts them: 1 % longer than GitHub's, because GitHub
 * counts writes as they arrive, and a write's way there (the event loop, the network) is not
 * always as long as the one an hour before it. Measured: without the margin, 600 writes at once on
 * a scaled clock reached the fake GitHub 503 in one scaled hour.
 */
export function budgetWindows(msPerSecond: number): { minute: number; hour: number } {
  const hour = 3600 * msPerSecond;
  return { minute: Math.ceil(60 * msPerSecond * 1.01), hour: Math.ceil(hour + Math.max(hour * 0.01, MIN_MARGIN_MS)) };
}

/**
 * The hour's margin is never under half a second: on a scaled clock (tests, demos, where a GitHub
 * hour lasts seconds) 1 % is a few dozen milliseconds, less than a busy machine's scheduling
 * jitter, and a two-replica rollout then saw 502 writes in one scaled hour; at a quarter of a
 * second it saw 501 once under the whole test suite, when the code scanning and dependency-graph
 * reports kept the budget binding twice as long. At real speed 1 % (36 s) is the larger, so nothing
 * changes there. (The minute keeps 1 %: writes go a second apart, so its 80 never binds.)
 */
const MIN_MARGIN_MS = 500;

/**
 * When the next write may go, given the times of earlier writes (ascending) and `now`, with
 * a minute and an hour of `budgetWindows(msPerSecond)` milliseconds.
 */
export function nextWriteAt(
  history: readonly number[],
  now: number,
  limits: ContentLimits,
  msPerSecond: number,
): number {
  const { minute, hour } = budgetWindows(msPerSecond);
  let at = now;
  const inHour = history.filter((time) => time > now - hour);
  if (inHour.length >= limits.perHour) at = Math.max(at, inHour[inHour.length - limits.perHour]! + hour);
  const inMinute = history.filter((time) => time > now - minute);
  if (inMinute.length >= limits.perMinute) at = Math.max(at, inMinute[inMinute.length - limits.perMinute]! + minute);
  return at;
}

/** Where an installation's content writes reserve their slots: each answer is how long to wait (ms). */
export interface WriteReservations {
  reserve(key: string): number | Promise<number>;
}

/** Write times per installation; each list is trimmed to the last hour as it grows. */
export class ContentBudget implements WriteReservations {
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
    const horizon = now - budgetWindows(this.#msPerSecond).hour;
    while (history.length > 0 && history[0]! <= horizon) history.shift();
    this.#history.set(key, history);
    return at - now;
  }
}
