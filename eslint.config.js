import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// The layers, top to bottom. A folder of src/ imports only folders of the rows below its own:
// never a row above (that import runs back up), never a neighbour in its own row. The tools
// (src/dev) may import any of them; none imports the tools. test/unit/layers.test.ts holds the
// whole graph to this (src/dev/import-graph.ts prints it); the rules below say it in the editor.
export const LAYERS = [
  ['app', 'cli'], // composition roots: the App's server, the command line
  ['handlers'], // one small function per webhook event
  ['jobs'], // the use cases: the only place with sequencing
  ['scale'], // Redis adapters for a fleet
  ['queue'], // where runs wait: the port and its in-process adapters
  ['github'], // every call of GitHub
  ['images/registry', 'sigstore'], // every call of a container registry; Sigstore's verification and trusted root
  ['server'], // the HTTP edge, logs, metrics
  ['parallel'], // worker threads
  ['check', 'pull-request'], // what the check and the pull request say, from a plan
  ['plan'], // pure planning: a repository's change, a set of files pinned
  ['dashboard', 'attention', 'rollout', 'command', 'sarif', 'inventory'], // what a run says, and where
  ['audit'],
  ['dependabot', 'report', 'pre-commit'],
  ['gate'],
  ['images'],
  ['signing'], // which jobs push images and sign them; cosign's keyless steps spliced in
  ['rewrite'],
  ['trust'],
  ['resolve'],
  ['workflow'],
  ['config', 'yaml', 'markdown'],
  ['common'],
];

/** Folders that do no I/O: plain functions on plain data. */
export const PURE = [
  'check',
  'pull-request',
  'plan',
  'dashboard',
  'attention',
  'rollout',
  'command',
  'sarif',
  'inventory',
  'audit',
  'dependabot',
  'report',
  'pre-commit',
  'gate',
  'images',
  'signing',
  'rewrite',
  'trust',
  'resolve',
  'workflow',
  'config',
  'yaml',
  'markdown',
  'common',
];
const IO_PACKAGES = [
  'probot',
  '@octokit/rest',
  '@octokit/core',
  'pino',
  'node:fs',
  'node:fs/promises',
  'fs',
  'node:child_process',
  'node:http',
  'node:net',
  'node:worker_threads',
  'undici',
  'ioredis',
  'bullmq',
  'piscina',
  'prom-client',
  'bottleneck',
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An import of `folder` from anywhere in src/ (`../jobs/x.js`), or of a subfolder from its parent (`./registry/x.js`). */
const importOf = (folder, from) => {
  const [parent, child] = folder.split('/');
  return child && from === parent ? `^\\./${escape(child)}/` : `(^|/)${escape(folder)}/`;
};
const layerRules = LAYERS.flatMap((row, index) =>
  row.map((folder) => {
    const above = LAYERS.slice(0, index).flat();
    const neighbours = row.filter((other) => other !== folder);
    const forbidden = [...above, ...neighbours, 'dev'].filter((other) => !folder.startsWith(`${other}/`));
    const children = LAYERS.flat().filter((other) => other.startsWith(`${folder}/`));
    return {
      files: [`src/${folder}/**/*.ts`],
      ...(children.length > 0 ? { ignores: children.map((child) => `src/${child}/**`) } : {}),
      rules: {
        'no-restricted-imports': [
          'error',
          {
            ...(PURE.includes(folder) ? { paths: IO_PACKAGES } : {}),
            patterns: forbidden.map((other) => ({
              regex: importOf(other, folder),
              message:
                other === 'dev'
                  ? 'The product does not import the tools (src/dev).'
                  : `${folder}/ sits below ${other}/ (eslint.config.js LAYERS): the import runs back up.`,
            })),
          },
        ],
      },
    };
  }),
);

export default tseslint.config(
  { ignores: ['dist/**', 'dist-dev/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Layout is Prettier's (npm run format; `npm run lint` checks it): no ESLint rule argues with it.
  prettier,
  { files: ['bin/**/*.js'], languageOptions: { globals: { process: 'readonly' } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...layerRules,
);
