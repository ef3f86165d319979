// A repository's pending run in Redis, merged atomically by every replica that receives an event
// for it, and claimed by the job that runs it. The BullMQ job only says "run this repository";
// what the run must do lives here, so that events arriving while a job waits join it (strongest
// trigger, every reply) whichever replica took them.
//
//   pending:{repo}        hash: `strength` (the strongest trigger asked), `pushed` (a push asked
//                         too), `reply:{issue}:{login}`
//   claimed:{queue}:{job} the pending hash, renamed when the job starts. A job retried after its
//                         replica died finds it again, so a SIGKILL loses no command's reply.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MAX_REPLIES, TRIGGER_STRENGTH } from '../queue/pending-run.js';
import type { PendingRun, ReplyTarget, RunRequest } from '../queue/pending-run.js';
import type { Trigger } from '../pull-request/decide-pull-request.js';
import { redisKey } from './redis-keys.js';
import { redisScript } from './redis-script.js';

/** A pending run older than this is dropped (the job that would take it is long gone). */
const PENDING_TTL_MS = 7 * 24 * 3600_000;

const MERGE = redisScript(
  'pinwardenPendingMerge',
  `
local strength = tonumber(redis.call('HGET', KEYS[1], 'strength') or '-1')
if tonumber(ARGV[1]) > strength then redis.call('HSET', KEYS[1], 'strength', ARGV[1]) end
if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'pushed', '1') end
local replies = redis.call('HLEN', KEYS[1]) - 1 - redis.call('HEXISTS', KEYS[1], 'pushed')
if ARGV[2] ~= '' and replies < tonumber(ARGV[4]) then redis.call('HSET', KEYS[1], ARGV[2], '1') end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`,
  1,
);

const CLAIM = redisScript(
  'pinwardenPendingClaim',
  `
if redis.call('EXISTS', KEYS[2]) == 1 then return redis.call('HGETALL', KEYS[2]) end
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return redis.call('HGETALL', KEYS[2])`,
  2,
);

const TRIGGERS = Object.fromEntries(
  Object.entries(TRIGGER_STRENGTH).map(([trigger, strength]) => [strength, trigger as Trigger]),
);

export function pendingKey(repositoryKey: string): string {
  return redisKey('pending', repositoryKey);
}

function claimedKey(queueName: string, jobId: string): string {
  return redisKey('claimed', queueName, jobId);
}

/** Merges requests into their repositories' pending runs (a wave's runs at once), in one round trip to Redis. */
export async function mergePendingRuns(
  redis: Redis,
  entries: readonly { readonly repositoryKey: string; readonly request: Pick<RunRequest, 'trigger' | 'reply'> }[],
): Promise<void> {
  await MERGE.runMany(
    redis,
    entries.map(({ repositoryKey, request }) => ({ keys: [pendingKey(repositoryKey)], args: mergeArguments(request) })),
  );
}

function mergeArguments(request: Pick<RunRequest, 'trigger' | 'reply'>): (string | number)[] {
  const reply = request.reply ? `reply:${request.reply.issueNumber}:${request.reply.login}` : '';
  return [TRIGGER_STRENGTH[request.trigger], reply, PENDING_TTL_MS, MAX_REPLIES, request.trigger === 'push' ? 1 : 0];
}

/** The pending run a job takes on: claimed when it starts, found again when it is retried. */
export async function claimPendingRun(
  redis: Redis,
  repositoryKey: string,
  queueName: string,
  jobId: string,
): Promise<PendingRun | undefined> {
  const fields = (await CLAIM.run(
    redis,
    [pendingKey(repositoryKey), claimedKey(queueName, jobId)],
    [PENDING_TTL_MS],
  )) as string[] | null;
  if (!fields) return undefined;
  let trigger: Trigger = 'push';
  let pushed = false;
  const replies: ReplyTarget[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const field = fields[index]!;
    if (field === 'strength') trigger = TRIGGERS[Number(fields[index + 1])] ?? 'push';
    if (field === 'pushed') pushed = true;
    const reply = /^reply:(\d+):(.+)$/.exec(field);
    if (reply) replies.push({ issueNumber: Number(reply[1]), login: reply[2]! });
  }
  // A run that started as a push was asked by one (a pending hash written before `pushed` existed).
  return { trigger, replies, pushed: pushed || trigger === 'push' };
}

/** How long an ended run's claim may wait to be released with others. */
export const CLAIM_RELEASE_MS = 20;

export interface ClaimReleases {
  /** The job's run ended: its claim is done with (released with the others of the next few ms). */
  release(queueName: string, jobId: string): void;
  /** Releases every claim waiting now. */
  flush(): Promise<void>;
}

/**
 * Ended runs' claims, released together: one UNLINK every few ms instead of a DEL a run — a
 * write to Redis each, 0.8 s of a replica's thread at 10,000 repositories. Nothing waits on
 * it: a job id is never used again, so a claim left behind (its replica died before the flush)
 * is never found by another job, and expires with the pending TTL. A job whose replica died
 * before the job ended finds its claim again and runs once more, as it would have mid-run.
 */
export function claimReleases(
  redis: Redis,
  options: { flushMs?: number; log?: Pick<Logger, 'warn'> } = {},
): ClaimReleases {
  const waiting: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (waiting.length === 0) return;
    await redis.unlink(...waiting.splice(0)).catch((error: unknown) => {
      // Left behind, they expire with the pending TTL.
      options.log?.warn({ err: error }, "ended runs' claims could not be released");
    });
  };
  return {
    release(queueName, jobId) {
      waiting.push(claimedKey(queueName, jobId));
      timer ??= setTimeout(() => void flush(), options.flushMs ?? CLAIM_RELEASE_MS);
    },
    flush,
  };
}
