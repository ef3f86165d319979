// `npm start` and the container's command: the GitHub App server. Configured by the variables
// in the README (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, HOST, PORT,
// WEBHOOK_PATH, LOG_LEVEL, LOG_FORMAT, GHE_HOST + GHE_PROTOCOL, PINWARDEN_* — images: PINWARDEN_IMAGES=0,
// PINWARDEN_REGISTRY_MIRRORS, PINWARDEN_REGISTRY_CREDENTIALS, PINWARDEN_ALLOWED_MIRROR_HOSTS,
// PINWARDEN_SIGNATURES=0, PINWARDEN_SIGSTORE_TRUSTED_ROOT, PINWARDEN_SIGSTORE_TUF_CACHE). Health: GET /ping.
// REDIS_URL puts the queue, the pacing and the caches in Redis for several replicas (README,
// "Scale-out"); PINWARDEN_TIME_SCALE speeds every pacing wait up, for tests and demos only.
// GET /metrics (Prometheus) and GET /ready (fails while Redis cannot be reached).
// SIGTERM (docker stop, Kubernetes) stops taking webhooks, lets running runs finish, then exits;
// without Redis it waits for queued runs too (they live only here).
import { getPrivateKey } from '@probot/get-private-key';
import { Probot } from 'probot';
import { pinwardenOctokitClass } from '../github/create-octokit.js';
import { answersOffThreadByDefault } from '../parallel/fetch-off-thread.js';
import { createMetrics } from '../server/metrics.js';
import { connectFleet } from '../scale/fleet.js';
import type { Fleet } from '../scale/fleet.js';
import { createLogger } from '../server/create-logger.js';
import { startWebhookServer } from '../server/webhook-server.js';
import { createPinwardenApp } from './pinwarden-app.js';
import type { ImageResolverSettings } from './image-resolvers.js';
import { credentialsFromEnv } from '../images/registry/digest-resolver.js';
import { bundleVerifierLoader } from '../sigstore/bundle-verifier.js';

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
    images = {
      mirrors: words('PINWARDEN_REGISTRY_MIRRORS'),
      credentials: credentialsFromEnv(env.PINWARDEN_REGISTRY_CREDENTIALS),
      allowedMirrorHosts: words('PINWARDEN_ALLOWED_MIRROR_HOSTS'),
      ...(env.PINWARDEN_SIGNATURES !== '0'
        ? {
            signatures: bundleVerifierLoader({
              file: env.PINWARDEN_SIGSTORE_TRUSTED_ROOT || undefined,
              tufCachePath: env.PINWARDEN_SIGSTORE_TUF_CACHE || undefined,
            }),
          }
        : {}),
    };
  } catch (error) {
    fail((error as Error).message);
  }
}

// Tests and demos only: K times faster pacing (write spacing, retry-after, the hourly budget).
const timeScale = env.PINWARDEN_TIME_SCALE ? Number(env.PINWARDEN_TIME_SCALE) : 1;
if (!Number.isFinite(timeScale) || timeScale < 1 || timeScale > 1000)
  fail(`PINWARDEN_TIME_SCALE must be a number from 1 to 1000, not "${env.PINWARDEN_TIME_SCALE}"`);
const msPerSecond = Math.max(1, Math.round(1000 / timeScale));

const log = await createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT === 'pretty' ? 'pretty' : 'json' });
if (timeScale !== 1)
  log.warn(
    { timeScale },
    "PINWARDEN_TIME_SCALE is set: GitHub's limits are paced faster than GitHub allows (tests and demos only)",
  );
const concurrency = Math.max(1, wholeNumber('PINWARDEN_CONCURRENCY', 4));
const debounceMs = wholeNumber('PINWARDEN_DEBOUNCE_MS', 5_000);
let fleet: Fleet | undefined;
// The app is made below, once the metrics it counts into exist.
let pinwarden: ReturnType<typeof createPinwardenApp> | undefined;
const metrics = createMetrics({
  queueDepths: () => pinwarden?.queueDepths() ?? Promise.resolve(new Map()),
  budgetLeft: () => fleet?.budgetLeft(msPerSecond) ?? Promise.resolve(new Map()),
});
if (env.REDIS_URL) {
  try {
    fleet = await connectFleet(env.REDIS_URL, {
      concurrency,
      debounceMs,
      lockMs: Math.min(30_000, Math.max(5_000, 30_000 / timeScale)),
      log,
    });
  } catch (error) {
    fail(`Redis at REDIS_URL could not be reached: ${(error as Error).message}`);
  }
  log.info('REDIS_URL is set: runs, pacing and caches are shared with every replica on this Redis');
}
const baseUrl = env.GHE_HOST ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}/api/v3` : 'https://api.github.com';
const probot = new Probot({
  appId,
  privateKey,
  secret,
  baseUrl,
  log,
  Octokit: pinwardenOctokitClass(msPerSecond, {
    ...(fleet ? { redis: fleet.redis, contentBudget: fleet.contentBudget(msPerSecond) } : {}),
    metrics,
    answersOffThread: answersOffThreadByDefault(),
  }),
});
try {
  // Bad registry mirrors stop the start here, with the mirror named.
  pinwarden = createPinwardenApp({
    concurrency,
    debounceMs,
    metrics,
    ...(fleet
      ? { runQueue: fleet.runQueue, sharedCache: fleet.sharedCache, preReads: fleet.preReads, seenTags: fleet.seenTags }
      : {}),
    ...(env.PINWARDEN_WEB_URL ? { webUrl: env.PINWARDEN_WEB_URL } : {}),
    dryRun: env.PINWARDEN_DRY_RUN === '1',
    reporting: {
      codeScanning: env.PINWARDEN_CODE_SCANNING !== '0',
      dependencyGraph: env.PINWARDEN_DEPENDENCY_GRAPH !== '0',
      ...(fleet ? { reported: fleet.reportedDigests } : {}),
    },
    ...(images ? { images: { ...images, ...(fleet ? { sharedCache: fleet.sharedCache } : {}) } } : {}),
    ...(env.PINWARDEN_DASHBOARD !== '0'
      ? {
          dashboard: {
            repository: env.PINWARDEN_DASHBOARD_REPOSITORY || undefined,
            ...(fleet ? { store: fleet.dashboardStore } : {}),
          },
        }
      : {}),
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
  metrics: () => metrics.registry.metrics().then((body) => ({ contentType: metrics.registry.contentType, body })),
  ready: () => fleet?.ready() ?? Promise.resolve(undefined),
  ...(fleet ? { accepting: () => fleet!.accepting() } : {}),
});

let stopping = false;
/** A drain that has not ended by then (Redis gone, a run stuck) exits anyway: an orchestrator would kill it. */
const DRAIN_LIMIT_MS = wholeNumber('PINWARDEN_DRAIN_MS', 25_000);
const drain = (signal: string) => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => {
    log.warn(
      { limitMs: DRAIN_LIMIT_MS },
      'drain did not end in time; exiting (queued work stays in Redis for the fleet)',
    );
    process.exit(0);
  }, DRAIN_LIMIT_MS).unref();
  log.info(
    { signal },
    fleet
      ? 'draining: no new webhooks; letting running runs finish (queued ones stay in Redis for the fleet)'
      : 'draining: no new webhooks; waiting for queued runs to finish',
  );
  void server
    .close()
    .then(() => (fleet ? pinwarden.close().then(() => fleet!.close()) : pinwarden.idle()))
    .then(
      () => log.info('drained; exiting'),
      (error: unknown) => log.error({ err: error }, 'drain failed'),
    )
    .finally(() => process.exit(0));
};
process.on('SIGTERM', () => drain('SIGTERM'));
process.on('SIGINT', () => drain('SIGINT'));
