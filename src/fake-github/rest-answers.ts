// The answers every fake REST route shares: GitHub's error bodies and its opaque node ids
// (here base64 of `Kind:key`, which the fake's GraphQL mutations decode again).
import type { RestResponse } from './rest-api.js';

export const notFound: RestResponse = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };

export function unprocessable(message: string): RestResponse {
  return { status: 422, body: { message, documentation_url: 'https://docs.github.com/rest', status: '422' } };
}

/** GitHub refuses an issue, pull request or comment body over 65,536 characters. */
export function bodyTooLong(body: unknown): RestResponse | undefined {
  return typeof body === 'string' && body.length > 65_536 ? unprocessable('Validation Failed: body is too long (maximum is 65536 characters)') : undefined;
}

export function nodeId(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`).toString('base64');
}
