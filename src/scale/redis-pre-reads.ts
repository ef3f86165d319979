// What a scan wave read, shared with the fleet: the replica that read the wave keeps its reads (the
// files already located) for the runs it takes itself, and a gzipped copy goes to Redis for the
// runs other replicas take, so no run reads its repository again whichever replica runs it. A
// replica alone (fleet-presence.ts) sends the token without the copy: nobody else would take it.
//
// The token is a field of the repository's pending run (redis-pending-runs.ts), not a key of its
// own: a read serves one run, as a claim does, so the job that claims the run takes the token in
// the same round trip (a take of its own was a third write to Redis for every run).
//
//   pending:{installation}:{repo} `pre-read`: a header to its first newline — the keeping
//                                   replica's id, the keep's mark (which keep it was) and when it
//                                   was read, colon-separated (a read serves for PRE_READ_TTL_MS) —
//                                   then the read as gzipped JSON (without what locating added), or
//                                   nothing when no other replica was alive. That replica's claim
//                                   gets the header alone (redis-pending-runs.ts)
//   pre-read-bytes                  the bytes the fleet holds, bounded by a budget; a claim takes
//                                   its run's off. It expires a TTL after the last keep, so a
//                                   deploy's leftovers never hold the budget for long
//
// The previous version kept its tokens under `pre-read-marked:` keys. Mid-deploy neither version
// takes the other's token: the run reads its repository itself, and those keys expire.
import { randomBytes, randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { PRE_READ_TTL_MS, servesRun } from '../queue/pre-reads.js';
import type { PreReads } from '../queue/pre-reads.js';
import { repositoryRunKey } from '../queue/pending-run.js';
import type { RepositoryRead } from '../github/read-repository.js';
import { PRE_READ_BYTES_KEY, PRE_READ_FIELD, pendingKey } from './redis-pending-runs.js';
import { redisScript } from './redis-script.js';

/** Compressed bytes the whole fleet keeps for runs; past it a run reads its repository itself. */
export const SHARED_PRE_READ_BUDGET_BYTES = 64 * 1024 * 1024;

// A new pending hash (no run queued yet: the wave's runs are merged just after) lives as long as
// the read may serve; a queued run's keeps its own, longer TTL.
const KEEP = redisScript(
  'pinwardenPreReadKeepInRun',
  `
local previous = redis.call('HSTRLEN', KEYS[1], '${PRE_READ_FIELD}')
if previous > 0 then
  redis.call('HDEL', KEYS[1], '${PRE_READ_FIELD}')
  redis.call('DECRBY', KEYS[2], previous)
end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used + string.len(ARGV[1]) > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], '${PRE_READ_FIELD}', ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
redis.call('INCRBY', KEYS[2], string.len(ARGV[1]))
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`,
  2,
);

/** Each keep's mark, in its token's header: which keep a token is. */
export const PRE_READ_MARK_BYTES = 16;
const newMark = () => randomBytes(PRE_READ_MARK_BYTES / 2).toString('hex');

/** The repository's pending run, whose `pre-read` field holds the token (keyed as its runs are). */
function pendingRunOf(installationId: number, repository: string): string {
  const [owner = '', name = ''] = repository.split('/');
  return pendingKey(repositoryRunKey(installationId, owner, name));
}

/** A pending run's token: which keep it was (replica and mark), when it was read, and its copy. */
function parsedToken(token: Buffer): { keep: string; at: number; copy: Buffer } | undefined {
  const end = token.indexOf('\n');
  if (end < 0) return undefined;
  const header = token.subarray(0, end).toString();
  const at = header.lastIndexOf(':');
  return { keep: header.slice(0, at), at: Number(header.slice(at + 1)), copy: token.subarray(end + 1) };
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
    /** This replica's id in the fleet, as its run queue claims runs with it (fleet-presence.ts). */
    replicaId?: string;
  } = {},
): PreReads {
  const budget = options.budgetBytes ?? SHARED_PRE_READ_BUDGET_BYTES;
  const ttl = options.ttlMs ?? PRE_READ_TTL_MS;
  const othersAlive = options.othersAlive ?? (async () => true);
  const replicaId = options.replicaId ?? randomUUID();
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
      const header = Buffer.from(`${replicaId}:${mark}:${at}\n`);
      const kept = await KEEP.run(
        redis,
        [pendingRunOf(installationId, repository), PRE_READ_BYTES_KEY],
        [Buffer.concat([header, copy]), left, budget],
      );
      if (kept === 1) marks.set(read, mark);
    },
    async take(installationId, repository, run) {
      const here = await local.take(installationId, repository, run);
      const mark = here && marks.get(here);
      const token = run.preReadToken && parsedToken(run.preReadToken);
      // A read serves one run in the fleet. This replica's copy serves when the run's token is its
      // own keep's, or when it kept no token and the run has none (the fleet's budget was spent: no
      // other run could use it). No token while this replica kept one means another run claimed
      // it (a run of an event before this one): stale here too. Another keep's token is a later
      // read (a later scan's), which serves from its copy.
      if (here && (token ? token.keep === `${replicaId}:${mark}` : !mark)) return here;
      // No copy (the token alone, kept while no other replica was alive, or this replica's own
      // whose read it no longer holds): this run reads for itself; so does one read too long ago.
      if (!token || token.copy.length === 0 || !(Date.now() - token.at < ttl)) return undefined;
      const read = parsedCopy(token.copy);
      return read && servesRun(read, run) ? read : undefined;
    },
    // The tokens are the pending runs' fields: the run queue forgets them with the runs.
    forget: (installationId) => local.forget(installationId),
  };
}
