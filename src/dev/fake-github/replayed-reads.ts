// The fake's answers to GraphQL reads kept and sent again for the same request, for benchmarks
// that measure pinwarden's own use of the machine: GitHub's work is not done on pinwarden's
// cores, the fake's is (a third of a core at 10,000 repositories). An answer is the bytes the
// fake worked out the first time, from its data and checked against GitHub's schema; any request
// that may change that data forgets them all. Off unless asked for (`--replay-reads`).

/** Answer bytes kept, at most; past it, answers are worked out each time. */
const KEPT_BYTES = 512 * 1024 * 1024;

/** Requests that change nothing a read answers: a token for the App. */
const CHANGES_NOTHING = [/^POST \/app\/installations\/\d+\/access_tokens$/];

export interface ReplayedReads {
  /** The kept answer to this GraphQL read (its request body), if any. */
  answerOf(body: string): Buffer | undefined;
  keep(body: string, answer: Buffer): void;
  /** Called for every request before it is handled: a write forgets every kept answer. */
  saw(method: string, path: string, isGraphqlRead: boolean): void;
  readonly size: number;
}

export function createReplayedReads(keptBytes = KEPT_BYTES): ReplayedReads {
  const answers = new Map<string, Buffer>();
  let bytes = 0;
  return {
    answerOf: (body) => answers.get(body),
    keep(body, answer) {
      if (bytes + answer.length > keptBytes) return;
      answers.set(body, answer);
      bytes += answer.length;
    },
    saw(method, path, isGraphqlRead) {
      if (isGraphqlRead || method === 'GET' || method === 'HEAD') return;
      if (CHANGES_NOTHING.some((pattern) => pattern.test(`${method} ${path}`))) return;
      answers.clear();
      bytes = 0;
    },
    get size() {
      return answers.size;
    },
  };
}
