// A `node --import` preload for running a peer tool unmodified against the fake GitHub: every
// fetch to https://api.github.com goes to PINWARDEN_FAKE_URL instead. At exit it writes the
// process's peak memory to PINWARDEN_RSS_FILE, for the benchmark.
import { writeFileSync } from 'node:fs';

const target = process.env.PINWARDEN_FAKE_URL;
if (!target) throw new Error('PINWARDEN_FAKE_URL is not set');
const realFetch = globalThis.fetch;
globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith('https://api.github.com')) return realFetch(input, init);
  const redirected = `${target}${url.slice('https://api.github.com'.length)}`;
  return input instanceof Request ? realFetch(new Request(redirected, input), init) : realFetch(redirected, init);
};
const rssFile = process.env.PINWARDEN_RSS_FILE;
if (rssFile) process.on('exit', () => writeFileSync(rssFile, String(process.resourceUsage().maxRSS * 1024)));
