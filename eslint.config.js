import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The pure core (workflow/, resolve/ decisions, rewrite/) must not reach the edges.
const pureCoreRestrictions = {
  paths: ['probot', '@octokit/rest', 'pino', 'node:fs', 'node:fs/promises', 'fs', 'node:child_process'],
  patterns: ['**/github/**', '**/cli/**'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'dist-dev/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['bin/**/*.js'], languageOptions: { globals: { process: 'readonly' } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/workflow/**/*.ts', 'src/gate/**/*.ts', 'src/rewrite/**/*.ts', 'src/resolve/types.ts', 'src/report/**/*.ts', 'src/dependabot/**/*.ts', 'src/config/**/*.ts', 'src/pull-request/**/*.ts', 'src/jobs/**/*.ts', 'src/trust/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', pureCoreRestrictions] },
  },
);
