// `npm start`: the GitHub App server. Probot reads APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH),
// WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL, LOG_FORMAT and, for GitHub Enterprise Server,
// GHE_HOST (+ GHE_PROTOCOL); pinwarden adds PINWARDEN_CONCURRENCY and PINWARDEN_DEBOUNCE_MS.
// Health: GET /ping answers PONG.
import { run } from 'probot';
import { PinwardenOctokit } from '../github/create-octokit.js';
import { createPinwardenApp } from './pinwarden-app.js';

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`pinwarden: ${name} must be a whole number, not "${raw}"\n`);
    process.exit(2);
  }
  return value;
}

// Probot would accept every webhook signed with "development" when the secret is unset.
if (process.env.APP_ID && !process.env.WEBHOOK_SECRET) {
  process.stderr.write('pinwarden: WEBHOOK_SECRET is not set; refusing to accept unsigned webhooks\n');
  process.exit(2);
}

const pinwarden = createPinwardenApp({
  concurrency: Math.max(1, positiveInteger('PINWARDEN_CONCURRENCY', 4)),
  debounceMs: positiveInteger('PINWARDEN_DEBOUNCE_MS', 5_000),
  ...(process.env.PINWARDEN_WEB_URL ? { webUrl: process.env.PINWARDEN_WEB_URL } : {}),
  dryRun: process.env.PINWARDEN_DRY_RUN === '1',
});
const server = await run(pinwarden.app, { Octokit: PinwardenOctokit });

// Containers stop with SIGTERM: stop taking webhooks, let running work finish, then exit.
process.on('SIGTERM', () => {
  void server
    .stop()
    .then(() => pinwarden.idle())
    .finally(() => process.exit(0));
});
