// Runs in a worker thread: one HTTP request, its answer read and (a successful JSON answer)
// parsed here, so the thread that asked only copies the result in (see fetch-off-thread.ts).
import { parsedJsonBody } from '../common/json-body.js';

export interface FetchTask {
  readonly url: string;
  readonly init: {
    readonly method: string;
    readonly headers: Record<string, string>;
    readonly body?: string;
    readonly redirect?: RequestInit['redirect'];
  };
}

export interface FetchedAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: readonly (readonly [string, string])[];
  /** Parsed when the answer succeeded and is JSON; its text otherwise (errors are read by the caller). */
  readonly body: { readonly parsed: unknown } | { readonly text: string };
}

export default async function fetchAnswer(task: FetchTask): Promise<FetchedAnswer> {
  const response = await fetch(task.url, task.init);
  const text = await response.text();
  const parsed = response.ok ? parsedJsonBody(text, response.headers.get('content-type')) : undefined;
  return {
    status: response.status,
    statusText: response.statusText,
    url: response.url,
    headers: [...response.headers],
    body: parsed ? { parsed: parsed.value } : { text },
  };
}
