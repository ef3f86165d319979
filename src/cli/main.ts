// The `pinwarden` command line: argument parsing and dispatch only.
import { parseArgs } from 'node:util';
import type { CliIo } from './io.js';
import { EXIT, UsageError } from './io.js';
import { DEFAULT_API_URL, pinCommand } from './pin-command.js';
import { scanCommand } from './scan-command.js';

const HELP: Record<string, string> = {
  main: `pinwarden — pin GitHub Actions references to commit SHAs

Usage: pinwarden <command> [options]

Commands:
  scan [PATH…]   list every \`uses:\` and whether it is pinned (exit 1 if any remote one is not)
  pin [PATH…]    resolve tags and branches to commit SHAs and rewrite the files in place

Run \`pinwarden <command> --help\` for a command's options.
`,
  scan: `Usage: pinwarden scan [PATH…] [--format text|json]

Lists every \`uses:\` reference with its file, line, kind and whether it is pinned.
A directory means its .github/workflows/*.yml|yaml and every action.yml|yaml below it;
the default is the current directory.

Options:
  --format text|json   output format (default text)
  -h, --help           this help

Exit codes: 0 all remote references pinned to a full commit SHA; 1 some are not, or a
file could not be parsed; 2 usage error.
`,
  pin: `Usage: pinwarden pin [PATH…] [--api-url URL | --refs DIR] [--dry-run] [--format text|json]

Resolves each tag or branch reference to its commit through the GitHub API (token from
GITHUB_TOKEN) and rewrites the line in place as \`uses: owner/repo@<sha> # v1.2.3\`, keeping
every other byte of the file.

Options:
  --api-url URL        GitHub's API (default https://api.github.com); for GitHub Enterprise
                       Server give https://HOST/api/v3
  --refs DIR           resolve offline from refs data files (the schema of shared/corpus/refs)
  --dry-run            print the plan and the diff; write nothing
  --format text|json   output format (default text)
  -h, --help           this help

Exit codes: 0 every remote reference ends pinned; 1 some stay unpinned (reasons are
printed) or a file could not be parsed; 2 usage error.
`,
};

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
      case 'scan': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: { format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' } },
          allowPositionals: true,
        });
        if (values.help) return help(io, 'scan');
        return await scanCommand({ paths: positionals, format: format(values.format) }, io);
      }
      case 'pin': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: {
            format: { type: 'string', default: 'text' },
            'dry-run': { type: 'boolean', default: false },
            refs: { type: 'string' },
            'api-url': { type: 'string', default: DEFAULT_API_URL },
            help: { type: 'boolean', short: 'h' },
          },
          allowPositionals: true,
        });
        if (values.help) return help(io, 'pin');
        return await pinCommand(
          {
            paths: positionals,
            format: format(values.format),
            dryRun: values['dry-run'] === true,
            refsDir: stringOption(values.refs),
            apiUrl: stringOption(values['api-url']) ?? DEFAULT_API_URL,
          },
          io,
        );
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (!(error instanceof UsageError) && !isArgError(error)) throw error;
    io.stderr.write(`pinwarden: ${(error as Error).message}\nRun \`pinwarden --help\` for usage.\n`);
    return EXIT.usage;
  }
}

function help(io: CliIo, command: string): number {
  io.stdout.write(HELP[command]!);
  return EXIT.ok;
}

function format(value: unknown): 'text' | 'json' {
  if (value === 'text' || value === 'json') return value;
  throw new UsageError(`--format must be text or json, not "${String(value)}"`);
}

function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** node:util parseArgs throws TypeErrors coded ERR_PARSE_ARGS_* for unknown or malformed options. */
function isArgError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
