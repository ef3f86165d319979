// pinwarden's Lua scripts as ioredis commands: each is sent by its SHA (EVALSHA), and its text only
// when Redis does not know it yet (after a restart), instead of its whole text on every call — the
// content budget's script runs before every write of the fleet, the pending-run scripts at every run.
import type { Redis } from 'ioredis';

type Argument = string | number | Buffer;
type Command = (...args: Argument[]) => Promise<unknown>;

const defined = new WeakMap<Redis, Set<string>>();

export interface RedisScript {
  /** Runs the script with its keys and arguments; replies as ioredis gives them (strings). */
  run(redis: Redis, keys: readonly string[], args: readonly Argument[]): Promise<unknown>;
  /** The same, replies as Buffers (a binary value). */
  runBuffer(redis: Redis, keys: readonly string[], args: readonly Argument[]): Promise<unknown>;
  /** Runs it once per call, all in one pipeline (one write to Redis); replies in order. */
  runMany(redis: Redis, calls: readonly { keys: readonly string[]; args: readonly Argument[] }[]): Promise<unknown[]>;
}

/** `name`: the command's name on the client, unique among pinwarden's scripts. */
export function redisScript(name: string, lua: string, numberOfKeys: number): RedisScript {
  const command = (redis: Redis, suffix: '' | 'Buffer'): Command => {
    let names = defined.get(redis);
    if (!names) defined.set(redis, (names = new Set()));
    if (!names.has(name)) {
      redis.defineCommand(name, { numberOfKeys, lua });
      names.add(name);
    }
    const commands = redis as unknown as Record<string, Command>;
    return commands[`${name}${suffix}`]!.bind(redis);
  };
  const call = (redis: Redis, suffix: '' | 'Buffer', keys: readonly string[], args: readonly Argument[]) => {
    if (keys.length !== numberOfKeys) throw new Error(`${name} takes ${numberOfKeys} keys, not ${keys.length}`);
    return command(redis, suffix)(...keys, ...args);
  };
  return {
    run: (redis, keys, args) => call(redis, '', keys, args),
    runBuffer: (redis, keys, args) => call(redis, 'Buffer', keys, args),
    async runMany(redis, calls) {
      if (calls.length === 0) return [];
      // Defined on the client first: a pipeline takes the client's scripts when it is made (and
      // sends each one's text again where Redis answers NOSCRIPT, as a single call does).
      command(redis, '');
      const pipeline = redis.pipeline() as unknown as Record<string, Command> & {
        exec(): Promise<[Error | null, unknown][] | null>;
      };
      for (const { keys, args } of calls) {
        if (keys.length !== numberOfKeys) throw new Error(`${name} takes ${numberOfKeys} keys, not ${keys.length}`);
        void pipeline[name]!(...keys, ...args);
      }
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed) throw failed[0]!;
      return replies.map(([, reply]) => reply);
    },
  };
}
