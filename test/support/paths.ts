import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixturesDir = join(repoRoot, 'fixtures');
/** Shared material beside the repository (../shared); CI has it too. */
export const sharedDir = join(repoRoot, '..', 'shared');
export const corpusWorkflowsDir = join(sharedDir, 'corpus', 'workflows');
export const corpusRefsDir = join(sharedDir, 'corpus', 'refs');
