// What a scan wave read, shared with the fleet: the replica that read the wave keeps its reads (the
// files already located) for the runs it takes itself, and a gzipped copy goes to Redis for the
// runs other replicas take, so no run reads its repository again whichever replica runs it. A
// replica alone (fleet-presence.ts) sends the token without the copy: nobody else would take it.
//
//   pre-read-marked:{installation}:{repo}
//                                   the keep's mark (PRE_READ_MARK_BYTES, which keep it was), then
//                                   the read as gzipped JSON (without what locating added), or
//                                   nothing when no other replica was alive, for as long as a kept
//                                   read may serve (PRE_READ_TTL_MS). Not `pre-read:`, where the
//                                   previous version kept its unmarked copies: mid-deploy, neither
//                                   version takes the other's token (the old one would throw on a
//                                   marked copy); a run whose token is the other's reads for itself
//   pre-read-bytes                  the bytes the fleet holds, bounded by a budget; it only ever
//                                   overcounts (a copy that expires is not subtracted) and it
//                                   expires a TTL after the last copy kept, with every copy it counts
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { PRE_READ_TTL_MS, preReadKey } from '../queue/pre-reads.js';
import type { PreReads } from '../queue/pre-reads.js';
import type { RepositoryRead } from '../github/read-repository.js';
import { deleteMatching, redisKey } from './redis-keys.js';
import { redisScript } from './redis-script.js';

/** Compressed bytes the whole fleet keeps for runs; past it a run reads its repository itself. */
export const SHARED_PRE_READ_BUDGET_BYTES = 64 * 1024 * 1024;

const KEEP = redisScript(
  'pinwardenPreReadKeep',
  `
local previous = redis.call('GET', KEYS[1])
if previous then
  redis.call('DEL', KEYS[1])
  redis.call('DECRBY', KEYS[2], string.len(previous))
end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used + string.len(ARGV[1]) > tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('INCRBY', KEYS[2], string.len(ARGV[1]))
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`,
  2,
);

// ARGV[1]: the mark of the taker's own keep, when it has that copy: its own token answers 1, not
// the bytes (a run of the replica that read the wave downloaded its own gzipped copy for nothing);
// another keep's token (a later scan's, by another replica) answers with its bytes.
const TAKE = redisScript(
  'pinwardenPreReadTakeMarked',
  `
local value = redis.call('GET', KEYS[1])
if not value then return false end
redis.call('DEL', KEYS[1])
if redis.call('DECRBY', KEYS[2], string.len(value)) < 0 then redis.call('SET', KEYS[2], '0', 'KEEPTTL') end
if ARGV[1] ~= '' and string.sub(value, 1, string.len(ARGV[1])) == ARGV[1] then return 1 end
return value`,
  2,
);

/** Each keep's mark, ahead of its copy: which keep a token is. */
export const PRE_READ_MARK_BYTES = 16;
const newMark = () => randomBytes(PRE_READ_MARK_BYTES / 2).toString('hex');

const BYTES = redisKey('pre-read-bytes');

function sharedKey(installationId: number, repository: string): string {
  return redisKey('pre-read-marked', preReadKey(installationId, repository));
}

/** A copy another replica kept; one that does not read as a gzipped read (a damaged value) is read afresh. */
function parsedCopy(copy: Buffer): RepositoryRead | undefined {
  try {
    return JSON.parse(gunzipSync(copy).toString('utf8')) as RepositoryRead;
  } catch {
    return undefined;
  }
}

/** The read as it travels: what locating added stays on the replica that located it. */
function withoutLocated(read: RepositoryRead): RepositoryRead {
  if (read.status !== 'read') return read;
  return { ...read, files: read.files.map(({ path, text }) => ({ path, text })) };
}

export function withSharedPreReads(
  local: PreReads,
  redis: Redis,
  options: {
    budgetBytes?: number;
    ttlMs?: number;
    /** Whether another replica may take a run (else only the token goes to Redis); always, unless told. */
    othersAlive?: () => Promise<boolean>;
  } = {},
): PreReads {
  const budget = options.budgetBytes ?? SHARED_PRE_READ_BUDGET_BYTES;
  const ttl = options.ttlMs ?? PRE_READ_TTL_MS;
  const othersAlive = options.othersAlive ?? (async () => true);
  /**
   * The marks of reads kept here whose token Redis also took (the others, over the fleet's budget,
   * are only here), by the read itself: a mark lives as long as the local copy it speaks for.
   */
  const marks = new WeakMap<RepositoryRead, string>();
  return {
    async keep(installationId, repository, read, at) {
      await local.keep(installationId, repository, read, at);
      const left = ttl - (Date.now() - at);
      if (left <= 0) return;
      const share = await othersAlive().catch(() => true);
      const mark = newMark();
      const copy = share ? gzipSync(JSON.stringify(withoutLocated(read))) : Buffer.alloc(0);
      const kept = await KEEP.run(
        redis,
        [sharedKey(installationId, repository), BYTES],
        [Buffer.concat([Buffer.from(mark), copy]), left, budget],
      );
      if (kept === 1) marks.set(read, mark);
    },
    async take(installationId, repository) {
      const here = await local.take(installationId, repository);
      const mark = here && marks.get(here);
      const value = await TAKE.runBuffer(redis, [sharedKey(installationId, repository), BYTES], [mark ?? '']);
      // A read serves one run in the fleet. This replica's copy serves when the token is its own
      // keep's (1), or when it kept no token (the fleet's budget was spent: no other run could use
      // it). A token gone means another replica's run used the read (or it expired): stale here
      // too. Another keep's token is a later read (a later scan's), which serves from its bytes.
      if (here && (value === 1 || (value === null && mark === undefined))) return here;
      // No copy (the token alone, kept while no other replica was alive): this run reads for itself.
      if (!Buffer.isBuffer(value) || value.length <= PRE_READ_MARK_BYTES) return undefined;
      return parsedCopy(value.subarray(PRE_READ_MARK_BYTES));
    },
    async forget(installationId) {
      await local.forget(installationId);
      await deleteMatching(redis, `${sharedKey(installationId, '')}*`);
    },
  };
}
