// GitHub's GraphQL answers parsed with JSON.parse. Octokit parses every JSON answer with
// json-with-bigint, which where JSON.parse cannot show a number's source text (Node 24 by
// default) first rewrites the whole text with a regular expression and then revives every value:
// a 0.6 MB batched read took 12 ms where JSON.parse takes 1, and at 10,000 repositories it was
// the main thread's largest cost after the collector. No GraphQL field pinwarden reads holds an
// integer beyond 2^53 (GitHub's ids there are strings). REST answers keep Octokit's parsing.

import type { ProbotOctokit } from 'probot';
import { parsedJsonBody } from '../common/json-body.js';
import { PARSE_OFF_THREAD, parsedBodyOf } from '../parallel/fetch-off-thread.js';
import { isGraphqlPath, pathOf } from './request-path.js';

type Hook = InstanceType<typeof ProbotOctokit>['hook'];

/** An Octokit plugin: a successful `POST …/graphql`'s body read as text and parsed with JSON.parse. */
export function plainGraphqlJson(octokit: { hook: Hook }): void {
  octokit.hook.wrap('request', async (request, options) => {
    if (!isGraphqlRequest(options) || options.request?.parseSuccessResponseBody === false) return request(options);
    // The text is read inside fetch, as the answer arrives: Octokit hands on only the body, and
    // undici cancels the body of a Response once the Response is collected, which Octokit's
    // Bottleneck queues (timers; the retry plugin still makes one per request) left time for — a
    // batch of reads then failed now and then, under load.
    // Octokit still reads and throws an error status itself. Where the Octokit reads answers off
    // this thread (create-octokit.ts), the answer arrives parsed.
    let body: { readonly value: unknown } | undefined;
    const fetch = options.request?.fetch ?? globalThis.fetch;
    // Hooks share the one options object of this request (each inner hook was bound to it), so it
    // is changed in place; its `request` may be the Octokit's defaults, so that is replaced, not changed.
    options.request = {
      ...options.request,
      parseSuccessResponseBody: false,
      fetch: async (input: string | URL | Request, init?: RequestInit) => {
        const response = await fetch(input, { ...init, [PARSE_OFF_THREAD]: true });
        body = response.ok
          ? (parsedBodyOf(response) ?? { value: parsedOrText(await response.text(), response) })
          : undefined;
        return response;
      },
    };
    const answer = await request(options);
    return body === undefined ? answer : { ...answer, data: body.value };
  });
}

/** A query or a mutation: both answer JSON. */
function isGraphqlRequest(options: { readonly method?: string; readonly url?: string }): boolean {
  return options.method?.toUpperCase() === 'POST' && isGraphqlPath(pathOf(options.url ?? ''));
}

/** As Octokit does: a JSON answer that does not parse is handed on as its text. */
function parsedOrText(text: string, response: Response): unknown {
  const parsed = parsedJsonBody(text, response.headers.get('content-type'));
  return parsed ? parsed.value : text;
}
