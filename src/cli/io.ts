/** What a command may touch of the process, passed in so tests can run commands in-process. */
export interface CliIo {
  /** Text, or UTF-8 bytes (a large JSON report, see report/json-text.ts). */
  readonly stdout: { write(text: string | Uint8Array): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export class UsageError extends Error {}

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
