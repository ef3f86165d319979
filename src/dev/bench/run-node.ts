// A Node script a benchmark runs to its end (a variant, or another benchmark), for what it printed.
import { spawn } from 'node:child_process';

/**
 * Runs `node ARGS` to its end: what it printed on stdout and stderr. An exit code `accepts` refuses
 * (any but 0, unless told) is an error that carries the end of its stderr.
 */
export async function runNode(
  args: readonly string[],
  options: { env?: Record<string, string>; accepts?: (code: number | null) => boolean } = {},
): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (!(options.accepts ?? ((exit) => exit === 0))(code))
    throw new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`);
  return { stdout, stderr };
}
