// Refused webhook requests are logged at warn, one line each, no stack trace, and at most
// `perWindow` lines a window: anyone on the internet can send them, so they must not be able to
// flood the log. What was left out is counted and said in one line when the next window opens.
export interface RefusalLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface Refusal {
  readonly status: number;
  readonly reason: string;
  readonly remote: string | undefined;
}

export function createRefusalLog(
  log: RefusalLogger,
  options: { perWindow?: number; windowMs?: number; now?: () => number } = {},
): (refusal: Refusal) => void {
  const perWindow = options.perWindow ?? 20;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  let windowStart = -Infinity;
  let logged = 0;
  let suppressed = 0;
  return (refusal) => {
    const time = now();
    if (time - windowStart >= windowMs) {
      if (suppressed > 0) log.warn({ suppressed }, `${suppressed} more webhook requests were refused and not logged`);
      windowStart = time;
      logged = 0;
      suppressed = 0;
    }
    if (logged >= perWindow) {
      suppressed += 1;
      return;
    }
    logged += 1;
    log.warn({ status: refusal.status, reason: refusal.reason, remote: refusal.remote }, 'webhook refused');
  };
}
