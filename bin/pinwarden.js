#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
// A crash, while loading or running, is exit 3, never 1: a CI gate must not read a bug in
// pinwarden as "findings".
try {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
} catch (error) {
  process.stderr.write(`pinwarden: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 3;
}
