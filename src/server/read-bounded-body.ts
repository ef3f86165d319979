// Reads a request body without ever holding more than the limits allow: one body is cut off at
// `maxBytes` (413 before the rest arrives), and all bodies being read at once share `pool`, so
// many concurrent unauthenticated senders cannot make the server hold more than its size. A body
// must also keep coming: past a short grace, one that arrives slower than `minBytesPerSecond`
// (half-sent, then stalled) is cut off (408), so two unsigned senders cannot sit on the pool and
// starve every signed delivery (GitHub does not deliver again).
import type { IncomingMessage } from 'node:http';

/** Bytes held by bodies still being read; shared by every request of one server. */
export class BodyPool {
  #used = 0;
  constructor(readonly capacity: number) {}
  get used(): number {
    return this.#used;
  }
  take(bytes: number): boolean {
    if (this.#used + bytes > this.capacity) return false;
    this.#used += bytes;
    return true;
  }
  give(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}

export type BodyRead =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly status: 408 | 413 | 503 | 400; readonly reason: string };

/** GitHub sends a whole webhook at once; a sender slower than this after the grace is holding memory, not delivering. */
export const MIN_BYTES_PER_SECOND = 64 * 1024;
export const SLOW_SENDER_GRACE_MS = 2_000;

export async function readBoundedBody(
  request: IncomingMessage,
  limits: {
    readonly maxBytes: number;
    readonly pool: BodyPool;
    readonly timeoutMs: number;
    readonly minBytesPerSecond?: number;
    readonly graceMs?: number;
  },
): Promise<BodyRead> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes) {
    return { ok: false, status: 413, reason: `body of ${declared} bytes is over the ${limits.maxBytes}-byte limit` };
  }
  const chunks: Buffer[] = [];
  let held = 0;
  const release = () => {
    limits.pool.give(held);
    held = 0;
  };
  try {
    return await new Promise<BodyRead>((resolve) => {
      const started = Date.now();
      let lastData = started;
      const finish = (result: BodyRead) => {
        clearTimeout(timer);
        clearInterval(watchdog);
        request.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
        if (!result.ok) request.pause();
        resolve(result);
      };
      const onData = (chunk: Buffer) => {
        if (held + chunk.length > limits.maxBytes)
          return finish({ ok: false, status: 413, reason: `body over the ${limits.maxBytes}-byte limit` });
        if (!limits.pool.take(chunk.length))
          return finish({ ok: false, status: 503, reason: 'too many webhook bodies being read at once' });
        held += chunk.length;
        lastData = Date.now();
        chunks.push(chunk);
      };
      const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks, held) });
      const onError = () => finish({ ok: false, status: 400, reason: 'the request failed while its body was read' });
      const onAborted = () => finish({ ok: false, status: 400, reason: 'the sender aborted the request' });
      const timer = setTimeout(
        () => finish({ ok: false, status: 408, reason: `body not received within ${limits.timeoutMs} ms` }),
        limits.timeoutMs,
      );
      const minRate = limits.minBytesPerSecond ?? MIN_BYTES_PER_SECOND;
      const grace = limits.graceMs ?? SLOW_SENDER_GRACE_MS;
      // A burst and then nothing holds the pool as surely as a trickle: both are cut after the grace.
      const watchdog = setInterval(
        () => {
          const now = Date.now();
          if (now - started > grace && (held < (minRate * (now - started)) / 1000 || now - lastData > grace))
            finish({
              ok: false,
              status: 408,
              reason: `body arriving slower than ${minRate} bytes a second, or stalled`,
            });
        },
        Math.max(50, Math.min(250, grace / 4)),
      );
      request.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
    });
  } finally {
    release();
  }
}
