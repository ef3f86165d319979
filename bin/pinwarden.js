#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
// A crash, while loading or running, is exit 3, never 1: a CI gate must not read a bug in
// pinwarden as "findings".
// A reader that goes away (`pinwarden scan | head`) is not a failure of pinwarden's: the rest of the
// output is dropped and the exit code stays the command's own. Unhandled, the EPIPE ended the process
// with a stack trace and exit 1, which a CI gate reads as findings.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
try {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
} catch (error) {
  process.stderr.write(
    `pinwarden: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 3;
}
