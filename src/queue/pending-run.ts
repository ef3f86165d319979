// What a repository's next run must do, merged from every event that asked for it: the strongest
// trigger (a command outranks an install, which outranks a push: a command may reopen a closed
// pull request), and the comments to answer when it ends. Plain data, shared by both queues.
import type { Trigger } from '../pull-request/decide-pull-request.js';

/** A comment command to answer when the run ends. */
export interface ReplyTarget {
  readonly issueNumber: number;
  readonly login: string;
}

export interface PendingRun {
  readonly trigger: Trigger;
  readonly replies: readonly ReplyTarget[];
  /**
   * A push asked for this run too. An install outranks it, so the trigger does not say so, but
   * what the install's scan read before the push is out of date: the run reads again.
   */
  readonly pushed: boolean;
}

/** One event's request for a run of a repository. */
export interface RunRequest {
  readonly installationId: number;
  readonly owner: string;
  readonly name: string;
  readonly trigger: Trigger;
  readonly reply?: ReplyTarget;
  /** Lower runs first (see rollout/rollout-order.ts). */
  readonly priority: number;
}

export const TRIGGER_STRENGTH: Readonly<Record<Trigger, number>> = { push: 0, install: 1, command: 2 };
/** Replies kept for one run; more commands before it starts are answered by the reaction alone. */
export const MAX_REPLIES = 20;

export function stronger(a: Trigger, b: Trigger): Trigger {
  return TRIGGER_STRENGTH[b] > TRIGGER_STRENGTH[a] ? b : a;
}

export function mergePending(into: PendingRun | undefined, request: Pick<RunRequest, 'trigger' | 'reply'>): PendingRun {
  const replies = [...(into?.replies ?? [])];
  const reply = request.reply;
  if (
    reply &&
    replies.length < MAX_REPLIES &&
    !replies.some((known) => known.issueNumber === reply.issueNumber && known.login === reply.login)
  )
    replies.push(reply);
  return {
    trigger: into ? stronger(into.trigger, request.trigger) : request.trigger,
    replies,
    pushed: (into?.pushed ?? false) || request.trigger === 'push',
  };
}

/** A repository's key within an installation (GitHub's names are case-insensitive). */
export function repositoryRunKey(installationId: number, owner: string, name: string): string {
  return `${installationId}:${owner}/${name}`.toLowerCase();
}
