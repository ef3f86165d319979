// Vitest global setup: says once whether the corpus tests run, and fails the run when CI asked
// for them (PINWARDEN_REQUIRE_CORPUS=1) but ../shared/corpus is not there.
import { corpusAvailable, sharedDir } from './paths.js';

export default function corpusSetup(): void {
  if (corpusAvailable) return;
  if (process.env.PINWARDEN_REQUIRE_CORPUS === '1')
    throw new Error(`PINWARDEN_REQUIRE_CORPUS=1 but ${sharedDir}/corpus is missing: the corpus tests cannot run`);
  process.stdout.write(
    `corpus tests skipped: ${sharedDir}/corpus not found (clone the shared material beside the repository to run them)\n`,
  );
}
