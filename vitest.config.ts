import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/corpus-setup.ts', 'test/support/redis-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // @actions/workflow-parser imports its JSON schema without `with { type: 'json' }`, which
    // Node refuses; letting Vite transform the package makes the import work.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
