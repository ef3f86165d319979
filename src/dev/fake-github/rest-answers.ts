// The answers every fake REST route shares: GitHub's error bodies and its opaque node ids
// (here base64 of `Kind:key`, which the fake's GraphQL mutations decode again).
import type { RestResponse } from './rest-api.js';

export const notFound: RestResponse = {
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
};

export function unprocessable(message: string): RestResponse {
  return { status: 422, body: { message, documentation_url: 'https://docs.github.com/rest', status: '422' } };
}

/** GitHub refuses an issue, pull request or comment body over 65,536 characters. */
export function bodyTooLong(body: unknown): RestResponse | undefined {
  return typeof body === 'string' && body.length > 65_536
    ? unprocessable('Validation Failed: body is too long (maximum is 65536 characters)')
    : undefined;
}

export function nodeId(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`).toString('base64');
}

/**
 * One page of a listing as GitHub serves it: `per_page` (30 when absent or not a number, at most
 * 100) and `page` (from 1); `next` is the query of the following page, for the Link header.
 */
export function restPage<T>(
  url: URL,
  items: readonly T[],
): { readonly items: T[]; readonly offset: number; readonly next: string | undefined } {
  const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30) || 30, 100);
  const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
  const offset = (page - 1) * perPage;
  return {
    items: items.slice(offset, offset + perPage),
    offset,
    next: offset + perPage < items.length ? `?per_page=${perPage}&page=${page + 1}` : undefined,
  };
}

/** The Link header of a page whose listing lives at `listingUrl`, when there is a next one. */
export function nextPageHeaders(listingUrl: string, next: string | undefined): Record<string, string> {
  return next ? { link: `<${listingUrl}${next}>; rel="next"` } : {};
}
