// Vitest global setup: says once whether the Redis tests run. They start their own redis-server
// (Debian's package; .ci/run installs it), and skip only when it truly is not on the machine —
// unless CI asked for them (PINWARDEN_REQUIRE_REDIS=1), where a missing server fails the run.
import { redisServerPath } from '../../src/dev/local-run/cluster.js';

export default function redisSetup(): void {
  if (redisServerPath()) return;
  if (process.env.PINWARDEN_REQUIRE_REDIS === '1')
    throw new Error('PINWARDEN_REQUIRE_REDIS=1 but redis-server is not installed: the fleet tests cannot run');
  process.stdout.write(
    'redis tests skipped: redis-server not found (apt-get install redis-server, or set PINWARDEN_REDIS_SERVER)\n',
  );
}
