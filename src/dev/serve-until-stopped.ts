// How the loopback fakes run from the command line: the first line says where they listen (for
// scripts to read), and SIGINT or SIGTERM prints what they served and stops them.
export interface ServedFake {
  readonly url: string;
  counts(): { readonly total: number; readonly byKind: Readonly<Record<string, number>> };
  close(): Promise<void>;
}

/** `lines` follow the first (the fake GitHub's installation, with --org-size). */
export function serveUntilStopped(fake: ServedFake, lines: readonly string[] = []): void {
  process.stdout.write(`listening ${fake.url}\n${lines.map((line) => `${line}\n`).join('')}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      const { byKind, total } = fake.counts();
      process.stderr.write(`served ${total} requests: ${JSON.stringify(byKind)}\n`);
      void fake.close().then(() => process.exit(0));
    });
  }
}
