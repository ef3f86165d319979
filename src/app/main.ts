// `npm start` and the container's command: the GitHub App server. Configured by the variables
// in the README (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, HOST, PORT,
// WEBHOOK_PATH, LOG_LEVEL, LOG_FORMAT, GHE_HOST + GHE_PROTOCOL, PINWARDEN_* — images: PINWARDEN_IMAGES=0,
// PINWARDEN_REGISTRY_MIRRORS, PINWARDEN_REGISTRY_CREDENTIALS, PINWARDEN_ALLOWED_MIRROR_HOSTS). Health: GET /ping.
// SIGTERM (docker stop, Kubernetes) stops taking webhooks, lets queued runs finish, then exits.
import { getPrivateKey } from '@probot/get-private-key';
import { Probot } from 'probot';
import { PinwardenOctokit } from '../github/create-octokit.js';
import { createLogger } from '../server/create-logger.js';
import { startWebhookServer } from '../server/webhook-server.js';
import { createPinwardenApp } from './pinwarden-app.js';
import type { ImageResolverSettings } from './image-resolvers.js';
import { credentialsFromEnv } from '../images/registry/digest-resolver.js';

const env = process.env;

function fail(message: string): never {
  process.stderr.write(`pinwarden: ${message}\n`);
  process.exit(2);
}

function wholeNumber(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) fail(`${name} must be a whole number, not "${raw}"`);
  return value;
}

const appId = env.APP_ID;
if (!appId) fail('APP_ID is not set');
// Probot would accept every webhook signed with "development" when the secret is unset.
const secret = env.WEBHOOK_SECRET;
if (!secret) fail('WEBHOOK_SECRET is not set; refusing to accept unsigned webhooks');
let privateKey: string | null = null;
try {
  privateKey = getPrivateKey({ env });
} catch (error) {
  fail(`the private key could not be read: ${(error as Error).message}`);
}
if (!privateKey) fail('PRIVATE_KEY or PRIVATE_KEY_PATH is not set');

/** Words of a variable, split on spaces and commas. */
const words = (name: string): string[] => (env[name] ?? '').split(/[\s,]+/).filter((word) => word !== '');
let images: ImageResolverSettings | undefined;
if (env.PINWARDEN_IMAGES !== '0') {
  try {
    images = { mirrors: words('PINWARDEN_REGISTRY_MIRRORS'), credentials: credentialsFromEnv(env.PINWARDEN_REGISTRY_CREDENTIALS), allowedMirrorHosts: words('PINWARDEN_ALLOWED_MIRROR_HOSTS') };
  } catch (error) {
    fail((error as Error).message);
  }
}

const log = await createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT === 'pretty' ? 'pretty' : 'json' });
const baseUrl = env.GHE_HOST ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}/api/v3` : 'https://api.github.com';
const probot = new Probot({ appId, privateKey, secret, baseUrl, log, Octokit: PinwardenOctokit });
let pinwarden: ReturnType<typeof createPinwardenApp>;
try {
  // Bad registry mirrors stop the start here, with the mirror named.
  pinwarden = createPinwardenApp({
    concurrency: Math.max(1, wholeNumber('PINWARDEN_CONCURRENCY', 4)),
    debounceMs: wholeNumber('PINWARDEN_DEBOUNCE_MS', 5_000),
    ...(env.PINWARDEN_WEB_URL ? { webUrl: env.PINWARDEN_WEB_URL } : {}),
    dryRun: env.PINWARDEN_DRY_RUN === '1',
    ...(images ? { images } : {}),
    ...(env.PINWARDEN_DASHBOARD !== '0' ? { dashboard: { repository: env.PINWARDEN_DASHBOARD_REPOSITORY || undefined } } : {}),
  });
} catch (error) {
  fail((error as Error).message);
}
await probot.load(pinwarden.app);
const server = await startWebhookServer({
  probot,
  secret,
  host: env.HOST || 'localhost',
  port: wholeNumber('PORT', 3000),
  ...(env.WEBHOOK_PATH ? { path: env.WEBHOOK_PATH } : {}),
  log,
});

let stopping = false;
const drain = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'draining: no new webhooks; waiting for queued runs to finish');
  void server
    .close()
    .then(() => pinwarden.idle())
    .then(
      () => log.info('drained; exiting'),
      (error: unknown) => log.error({ err: error }, 'drain failed'),
    )
    .finally(() => process.exit(0));
};
process.on('SIGTERM', () => drain('SIGTERM'));
process.on('SIGINT', () => drain('SIGINT'));
