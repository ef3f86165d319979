import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixturesDir = join(repoRoot, 'fixtures');
/** Shared material beside the repository (../shared); CI has it too. */
export const sharedDir = join(repoRoot, '..', 'shared');
export const corpusWorkflowsDir = join(sharedDir, 'corpus', 'workflows');
export const corpusRefsDir = join(sharedDir, 'corpus', 'refs');

/**
 * A clone without ../shared beside it runs every test but the corpus ones (test/support/
 * corpus-setup.ts says so in one line). CI sets PINWARDEN_REQUIRE_CORPUS=1, which makes a
 * missing corpus an error instead, so there they always run.
 */
export const corpusAvailable = existsSync(corpusWorkflowsDir) && existsSync(corpusRefsDir);
