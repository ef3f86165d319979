// The process logger: pino writing JSON lines (or Probot's pretty format for a terminal), whose
// child loggers carry each key once. pino appends every child's bindings to the line, so
// Probot's `name` (probot → octokit/event) and pinwarden's own keys appeared two or three times
// in one JSON object; here a child is made from the root with the bindings merged, last wins.
import { getTransformStream } from '@probot/pino';
import { pino } from 'pino';
import type { ChildLoggerOptions, Logger } from 'pino';

export async function createLogger(
  options: { level?: string | undefined; format?: 'json' | 'pretty' } = {},
): Promise<Logger> {
  const level = options.level || 'info';
  if (options.format === 'pretty') {
    const transform = await getTransformStream({ logFormat: 'pretty' });
    transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
    return uniqueKeyLogger(pino({ level }, transform));
  }
  return uniqueKeyLogger(pino({ level }));
}

/** A logger whose `child()` merges bindings instead of repeating keys. */
export function uniqueKeyLogger(root: Logger, bindings: Record<string, unknown> = {}): Logger {
  const logger = Object.keys(bindings).length === 0 ? root : root.child(bindings);
  return new Proxy(logger, {
    get(target, property, receiver) {
      if (property === 'child') {
        return (more: Record<string, unknown>, childOptions?: ChildLoggerOptions) => {
          if (childOptions && Object.keys(childOptions).length > 0) return target.child(more, childOptions);
          return uniqueKeyLogger(root, { ...bindings, ...more });
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
