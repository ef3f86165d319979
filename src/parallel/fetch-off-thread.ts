// HTTP answers read off this thread. A large JSON answer costs the thread that reads it the
// stream, the UTF-8 decoding and JSON.parse; copying the parsed result in from a worker costs a
// fraction of that (a 0.2 MB batch of workflow texts: 73-112 ms to decode and parse 40 of them,
// 3-39 ms to copy them in, Node 24). At 10,000 repositories that was ~3 s of the App's thread,
// which every run waits on. The requests wait on the network, not on the worker's CPU: many are in
// flight on one worker at once.
import type { FetchTask, FetchedAnswer } from './fetch-worker.js';
import { workerCount, workerPool } from './worker-pool.js';

/** Set on a request's init by whoever will read its answer from `parsedBodyOf`: only those go to the worker. */
export const PARSE_OFF_THREAD = Symbol('pinwarden.parseOffThread');

// A thread of its own: on the locating thread, answers waited behind a wave's locating, which is
// what the install's scan waits on (10,000 repositories: 8-12 % more wall than without it).
const pool = workerPool<FetchTask, FetchedAnswer>('fetch-worker.js', () => ({
  minThreads: 0,
  maxThreads: 1,
  // Octokit sends ten requests at once; more than that wait in the pool's queue.
  concurrentTasksPerWorker: 16,
  idleTimeout: 30_000,
  // Its tasks wait on the network: its event loop must run between them, not block in Atomics.wait.
  atomics: 'disabled',
}));
const parsedBodies = new WeakMap<Response, { readonly value: unknown }>();
let answersOffThread = 0;

/** Whether the App reads its answers off its thread: when it has worker threads at all. */
export function answersOffThreadByDefault(env: NodeJS.ProcessEnv = process.env): boolean {
  return workerCount(env) > 1;
}

/** How many answers were read on the worker since start (tests read it). */
export function offThreadAnswers(): number {
  return answersOffThread;
}

/** The parsed JSON of an answer read on the worker; undefined when its body is text (read it as usual). */
export function parsedBodyOf(response: Response): { readonly value: unknown } | undefined {
  return parsedBodies.get(response);
}

/**
 * `base` for every request, except those whose init carries `PARSE_OFF_THREAD`: they are sent and
 * read on the worker. An init the worker cannot take (an abort signal, a body that is not text,
 * a manual redirect) stays here.
 */
export function fetchOffThread(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const task = taskOf(input, init);
    if (!task) return base(input, init);
    const answer = await pool.run(task);
    answersOffThread += 1;
    return responseOf(answer);
  };
}

function taskOf(input: string | URL | Request, init: RequestInit | undefined): FetchTask | undefined {
  const asked = init as (RequestInit & { [PARSE_OFF_THREAD]?: boolean }) | undefined;
  if (asked?.[PARSE_OFF_THREAD] !== true || input instanceof Request) return undefined;
  if (asked.signal || asked.redirect === 'manual') return undefined;
  if (asked.body !== undefined && asked.body !== null && typeof asked.body !== 'string') return undefined;
  return {
    url: String(input),
    init: {
      method: asked.method ?? 'GET',
      headers: Object.fromEntries(new Headers(asked.headers)),
      ...(typeof asked.body === 'string' ? { body: asked.body } : {}),
      ...(asked.redirect ? { redirect: asked.redirect } : {}),
    },
  };
}

/** Statuses whose Response may carry no body. */
const NO_BODY = new Set([204, 205, 304]);

function responseOf(answer: FetchedAnswer): Response {
  // A parsed answer keeps an (empty) body all the same: Octokit hands on the body of an answer it
  // does not parse, and the throttling plugin looks into it.
  const text = NO_BODY.has(answer.status) ? null : 'text' in answer.body ? answer.body.text : '';
  const response = new Response(text, {
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers as [string, string][],
  });
  Object.defineProperty(response, 'url', { value: answer.url });
  if ('parsed' in answer.body) parsedBodies.set(response, { value: answer.body.parsed });
  return response;
}
