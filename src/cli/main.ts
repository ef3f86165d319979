// The `pinwarden` command line: argument parsing and dispatch only.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { IgnoreRef } from '../workflow/types.js';
import { matchesActionGlobs } from '../config/action-globs.js';
import type { CliIo } from './io.js';
import { EXIT, UsageError } from './io.js';

const DEFAULT_API_URL = 'https://api.github.com';

const GATE = `The gate (exit 0 only when every reference passes it): a reference passes when it is
local (./…, $/…), a remote action or reusable workflow pinned to a full 40-hex commit SHA, a
container image (docker://, job and service containers, Dockerfile FROM, compose, Kubernetes,
Helm values, kustomize) pinned by @sha256 digest, or left alone on purpose (# pinwarden:ignore
or # ratchet:exclude on its line, --ignore). A tag, a branch, a short SHA, an image tag, an
expression pinwarden cannot evaluate or a value GitHub would not run fails it, and so does a
file that cannot be read. FROM scratch, a build stage and a build argument are not images.`;

const IMAGES = `Images: a directory also means every file below it that names container images
(Dockerfile, Containerfile, *.Dockerfile, compose files, Kubernetes manifests, values*.yaml of
a chart, kustomization.yaml), .git, node_modules and vendor skipped. Digests are read from the
registries (HEAD, anonymous; credentials per registry from PINWARDEN_REGISTRY_CREDENTIALS,
{"registry": {"username": …, "password": …}}), and written after the tag: node:20@sha256:….
  --registry-mirror REGISTRY=URL  ask URL for REGISTRY (* for every one; {registry} in URL is
                                  replaced by the registry host); repeatable; also
                                  PINWARDEN_REGISTRY_MIRRORS, space-separated
  --registry-data FILE            answer from a registry data file offline (the fake registry's
                                  format); with --refs and neither option, no registry is asked`;

const EXIT_CODES = `Exit codes: 0 every reference passes the gate; 1 some do not (each is listed with the
reason); 2 usage error (bad option, or a path holding no workflow or action file);
3 pinwarden itself failed (a bug: please report it).`;

const HELP: Record<string, string> = {
  main: `pinwarden — pin GitHub Actions references to commit SHAs

Usage: pinwarden <command> [options]

Commands:
  scan [PATH…]   list every \`uses:\` and image and whether it passes the gate
  pin [PATH…]    resolve tags and branches to commit SHAs, images to digests, and rewrite the
                 files in place
  audit [PATH…]  check every reference and pin against known compromises, rewritten releases,
                 lying comments and indicators of compromise
  inventory [PATH… | --org OWNER]
                 every action and image in use: where, pinned or not, at which commit or
                 digest, with the audit's findings (JSON, CSV or CycloneDX)

Options:
  --version      print pinwarden's version
  -h, --help     this help

Run \`pinwarden <command> --help\` for a command's options.
`,
  scan: `Usage: pinwarden scan [PATH…] [--ignore PATTERN]… [--format text|json]

Lists every \`uses:\` reference and every container image with its file, line, kind and
whether it passes the gate. A directory means its .github/workflows/*.yml|yaml, every
action.yml|yaml below it and every file that names images (below); the default is the
current directory. Nothing is asked of GitHub or a registry.

Options:
  --ignore PATTERN     leave actions matching PATTERN as they are (owner/repo[/path] glob,
                       e.g. my-org/*); repeatable, like the App's ignore.actions
  --format text|json   output format (default text)
  -h, --help           this help

${GATE}

${EXIT_CODES}
`,
  pin: `Usage: pinwarden pin [PATH…] [--api-url URL | --refs DIR] [--ignore PATTERN]… [--dry-run] [--format text|json]

Resolves each tag or branch reference to its commit through the GitHub API (token from
GITHUB_TOKEN, needed only when something is to be resolved) and rewrites the line in place
as \`uses: owner/repo@<sha> # v1.2.3\`, keeping every other byte of the file. A tag that names a
known-compromised commit is never pinned, nor one held back by pin-time trust: a commit no
branch holds (impostor-tag), three or more releases on one commit (mass-retag). A release that
does not descend from the one before it is pinned with a high finding; a floating ref (@v3)
whose newest release is younger than --min-release-age days is pinned to the newest release
old enough. The audit's checks run on the result with the same answers (\`pinwarden audit\`
for what they say), and a high or critical finding fails the run.

Options:
  --api-url URL        GitHub's API (default https://api.github.com); for GitHub Enterprise
                       Server give https://HOST/api/v3
  --refs DIR           resolve offline from refs data files (the schema of shared/corpus/refs)
  --ignore PATTERN     leave actions matching PATTERN as they are; repeatable
  --dry-run            print the plan and the diff; write nothing
  --min-release-age D  pin a floating ref to its newest release at least D days old (default
                       7, as the Dependabot cooldown pinwarden writes; 0 turns it off)
  --format text|json   output format (default text)
  -h, --help           this help

${IMAGES}

${GATE}

${EXIT_CODES.replace('0 every reference passes the gate', '0 every reference passes the gate once pinned')}
`,
  audit: `Usage: pinwarden audit [PATH…] [--api-url URL | --refs DIR [--advisories FILE]] [--format text|json|sarif]

Checks every reference, pinned or not: commits and moved tags of known compromises
(trivy-action, setup-trivy, tj-actions/changed-files, reviewdog/action-setup, xygeni-action),
impostor commits (in no branch or tag: only in a fork), release tags that now name another
commit than the pin, version comments that do not describe the pinned commit, GitHub security
advisories, actions called inside the actions used (three levels), actions that refuse to run
from a SHA, and indicators of compromise in the files. Says whether GitHub's "require
full-length commit SHA" policy would let the workflows run. Resolution as for \`pin\` (token from
GITHUB_TOKEN, or --refs DIR offline); without either, the checks that need GitHub are skipped
and that is said.

Options:
  --api-url URL              GitHub's API (default https://api.github.com)
  --refs DIR                 answer from refs data files offline (their optional \`commits\` say
                             which commits are in the history, \`files\` what manifests hold)
  --advisories FILE          GitHub advisories for actions, offline (with the API they are read
                             from GitHub's advisory database)
  --format text|json|sarif   output format (default text); SARIF 2.1.0 is for code scanning
  -h, --help                 this help

${IMAGES.replace('and written after the tag: node:20@sha256:….', 'to tell unpinned, latest and known-bad images, and digests their tag no longer names.')}

JSON: {"findings":[{"path","line","uses","check","severity","message","evidence"}],"notes":[…],
"requireFullShaPolicy":{"ready","blockers"}}.

Exit codes: 0 no finding is high or critical; 1 some are; 2 usage error; 3 pinwarden failed.
`,
  inventory: `Usage: pinwarden inventory [PATH… | --org OWNER] [--name NAME] [--format csv|json|cyclonedx]
                         [--api-url URL | --refs DIR [--advisories FILE]]

Lists every action, reusable workflow and container image the files use, one use a row: the
repository (with --org), file and line, as written, pinned or not, the version (a tag, or the
version a SHA pin's comment names), the commit or digest, direct or called inside another action
(and through which), the audit's findings there, and its package URL. The audit runs as for
\`audit\` (its notes go to stderr).

Options:
  --org OWNER                    every repository of an organisation (or a user) the token
                                 (GITHUB_TOKEN) can read, through --api-url; archived ones left out
  --name NAME                    only what NAME names: an action (owner/repo, its paths too) or an
                                 image (aquasec/trivy is docker.io/aquasec/trivy)
  --format csv|json|cyclonedx    output format (default csv); CycloneDX 1.6 JSON, one component a
                                 package URL, each use a pinwarden:occurrence property
  --api-url URL, --refs DIR, --advisories FILE, --registry-mirror, --registry-data: as for audit
  -h, --help                     this help

Who runs trivy-action, at which commit: pinwarden inventory --org acme --name aquasecurity/trivy-action

Exit codes: 0 listed; 2 usage error; 3 pinwarden failed.
`,
};

/** Where `audit` and `inventory` get their answers: GitHub or refs data, advisories, registries. */
const AUDIT_SOURCE_OPTIONS = {
  refs: { type: 'string' },
  advisories: { type: 'string' },
  'api-url': { type: 'string', default: DEFAULT_API_URL },
  'registry-mirror': { type: 'string', multiple: true },
  'registry-data': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function auditSources(values: {
  refs?: string | undefined;
  advisories?: string | undefined;
  'api-url'?: string | undefined;
  'registry-mirror'?: string[] | undefined;
  'registry-data'?: string | undefined;
}) {
  return {
    refsDir: stringOption(values.refs),
    advisoriesFile: stringOption(values.advisories),
    apiUrl: stringOption(values['api-url']) ?? DEFAULT_API_URL,
    registryMirrors: values['registry-mirror'] ?? [],
    registryData: stringOption(values['registry-data']),
    version: version(),
  };
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(HELP.main!);
        return command === undefined ? EXIT.usage : EXIT.ok;
      case '--version':
      case '-V':
        io.stdout.write(`pinwarden ${version()}\n`);
        return EXIT.ok;
      case 'scan': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: {
            format: { type: 'string', default: 'text' },
            ignore: { type: 'string', multiple: true },
            help: { type: 'boolean', short: 'h' },
          },
          allowPositionals: true,
        });
        if (values.help) return help(io, 'scan');
        // Each command loads only its own modules: `scan` needs no resolver, audit data or registry client.
        const { scanCommand } = await import('./scan-command.js');
        return await scanCommand(
          { paths: positionals, format: format(values.format), ...ignoreOption(values.ignore) },
          io,
        );
      }
      case 'pin': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: {
            format: { type: 'string', default: 'text' },
            'dry-run': { type: 'boolean', default: false },
            refs: { type: 'string' },
            'api-url': { type: 'string', default: DEFAULT_API_URL },
            ignore: { type: 'string', multiple: true },
            'registry-mirror': { type: 'string', multiple: true },
            'registry-data': { type: 'string' },
            'min-release-age': { type: 'string' },
            help: { type: 'boolean', short: 'h' },
          },
          allowPositionals: true,
        });
        if (values.help) return help(io, 'pin');
        const minAge = stringOption(values['min-release-age']);
        if (minAge !== undefined && !/^\d{1,3}$/.test(minAge))
          throw new UsageError(`--min-release-age takes a whole number of days (0 to 999), not "${minAge}"`);
        const { pinCommand } = await import('./pin-command.js');
        return await pinCommand(
          {
            paths: positionals,
            format: format(values.format),
            dryRun: values['dry-run'] === true,
            refsDir: stringOption(values.refs),
            apiUrl: stringOption(values['api-url']) ?? DEFAULT_API_URL,
            ...ignoreOption(values.ignore),
            registryMirrors: values['registry-mirror'] ?? [],
            registryData: stringOption(values['registry-data']),
            ...(minAge === undefined ? {} : { minReleaseAgeDays: Number(minAge) }),
          },
          io,
        );
      }
      case 'audit': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: {
            format: { type: 'string', default: 'text' },
            ...AUDIT_SOURCE_OPTIONS,
          },
          allowPositionals: true,
        });
        if (values.help) return help(io, 'audit');
        if (values.format !== 'text' && values.format !== 'json' && values.format !== 'sarif')
          throw new UsageError(`--format must be text, json or sarif, not "${String(values.format)}"`);
        const { auditCommand } = await import('./audit-command.js');
        return await auditCommand(
          {
            paths: positionals,
            format: values.format,
            ...auditSources(values),
          },
          io,
        );
      }
      case 'inventory': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: {
            format: { type: 'string', default: 'csv' },
            org: { type: 'string' },
            name: { type: 'string' },
            ...AUDIT_SOURCE_OPTIONS,
          },
          allowPositionals: true,
        });
        if (values.help) return help(io, 'inventory');
        if (values.format !== 'csv' && values.format !== 'json' && values.format !== 'cyclonedx')
          throw new UsageError(`--format must be csv, json or cyclonedx, not "${String(values.format)}"`);
        const { inventoryCommand } = await import('./inventory-command.js');
        return await inventoryCommand(
          {
            paths: positionals,
            org: stringOption(values.org),
            name: stringOption(values.name),
            format: values.format,
            ...auditSources(values),
          },
          io,
        );
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (!(error instanceof UsageError) && !isArgError(error)) throw error;
    const message = (error as Error).message;
    // Whoever asked for JSON parses stdout: a usage error is JSON there too.
    if (wantsJson(rest)) io.stdout.write(`${JSON.stringify({ error: { kind: 'usage', message } })}\n`);
    io.stderr.write(`pinwarden: ${message}\nRun \`pinwarden --help\` for usage.\n`);
    return EXIT.usage;
  }
}

function help(io: CliIo, command: string): number {
  io.stdout.write(HELP[command]!);
  return EXIT.ok;
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

function format(value: unknown): 'text' | 'json' {
  if (value === 'text' || value === 'json') return value;
  throw new UsageError(`--format must be text or json, not "${String(value)}"`);
}

function wantsJson(args: readonly string[]): boolean {
  return args.some(
    (arg, index) =>
      arg === '--format=json' ||
      arg === '--format=sarif' ||
      (arg === '--format' && (args[index + 1] === 'json' || args[index + 1] === 'sarif')),
  );
}

function ignoreOption(patterns: unknown): { ignore?: IgnoreRef } {
  if (!Array.isArray(patterns) || patterns.length === 0) return {};
  const globs = patterns.map(String);
  for (const glob of globs) if (glob.trim() === '') throw new UsageError('--ignore needs a pattern such as my-org/*');
  return { ignore: (ref) => matchesActionGlobs(globs, ref) };
}

function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** node:util parseArgs throws TypeErrors coded ERR_PARSE_ARGS_* for unknown or malformed options. */
function isArgError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
