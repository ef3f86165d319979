// Every key pinwarden keeps in Redis starts with one prefix (BullMQ's own keys use it too), so an
// operator can see, count or drop them together.
export const REDIS_PREFIX = 'pinwarden';

export function redisKey(...parts: readonly (string | number)[]): string {
  return [REDIS_PREFIX, ...parts].join(':');
}
