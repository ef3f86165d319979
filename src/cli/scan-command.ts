// `pinwarden scan`: lists every reference and whether it passes the gate; a lint gate for CI.
import { gateFailuresOf } from '../plan/gate-files.js';
import { gateImage, gateReference } from '../gate/gate.js';
import { locateImageFile } from '../images/locate-image-file.js';
import type { GateVerdict } from '../gate/gate.js';
import type { IgnoreRef } from '../workflow/types.js';

type GateVerdictWhy = Extract<GateVerdict, { passes: true }>['why'];
import { count, printable } from '../report/words.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';
import { readLocalFiles } from './read-local-files.js';

export interface ScanOptions {
  readonly paths: readonly string[];
  readonly format: 'text' | 'json';
  readonly ignore?: IgnoreRef;
}

interface ScannedRef {
  readonly line: number;
  readonly uses: string;
  readonly kind: string;
  /** Pinned to a commit SHA or digest. */
  readonly pinned: boolean;
  /** Passes the gate (pinned, local, or ignored on purpose). */
  readonly passes: boolean;
  readonly why?: GateVerdictWhy;
  readonly reason?: string;
}

/** Eight characters, as the column is wide. */
const STATUS: Record<GateVerdictWhy, string> = {
  pinned: 'pinned  ',
  local: 'pinned  ',
  ignored: 'ignored ',
  'stays-on-tag': 'on tag  ',
  locked: 'locked  ',
  'not-image': 'no image',
};

export async function scanCommand(options: ScanOptions, io: CliIo): Promise<number> {
  const { files, imageFiles, notes, lockfiles } = await readLocalFiles(options.paths, io.cwd);
  for (const lockfile of lockfiles)
    notes.push(
      `${lockfile.path}: the workflows it lists pass the gate as locked (the runner runs the commits it records)`,
    );
  const report = files.map((file): { path: string; error?: string; refs: ScannedRef[] } => {
    if (!file.located.ok) return { path: file.path, error: file.located.error, refs: [] };
    const refs = file.located.references.map((reference): ScannedRef => {
      const verdict: GateVerdict = file.locked
        ? { passes: true, why: 'locked' }
        : gateReference(reference, options.ignore);
      return {
        line: reference.site.line,
        uses: reference.site.value,
        kind: reference.ref.kind,
        pinned: verdict.passes && verdict.why === 'pinned',
        passes: verdict.passes,
        ...(verdict.passes ? { why: verdict.why } : { reason: verdict.reason }),
      };
    });
    return {
      path: file.path,
      refs: [
        ...refs,
        ...imageRefs(locateImageFile({ path: file.path, kind: file.kind, text: file.text, uses: file.located })),
      ],
    };
  });
  // Files that name only images: Dockerfiles, compose files, manifests, chart values, kustomize.
  for (const file of imageFiles) {
    const located = locateImageFile(file);
    report.push(
      located.ok ? { path: file.path, refs: imageRefs(located) } : { path: file.path, error: located.error, refs: [] },
    );
  }
  const imageFailures = report.flatMap((file) => file.refs.filter((ref) => ref.kind === 'image' && !ref.passes));
  const failures = [
    ...files.flatMap((file) => gateFailuresOf(file, options.ignore)),
    ...imageFailures,
    ...report.slice(files.length).filter((file) => file.error !== undefined),
  ];
  const unreadable = report.filter((file) => file.error !== undefined).length;

  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ files: report, notes, failures: failures.length })}\n`);
  } else {
    for (const note of notes) io.stderr.write(`pinwarden: ${printable(note)}\n`);
    for (const file of report) {
      io.stdout.write(`${printable(file.path)}\n`);
      if (file.error !== undefined) io.stdout.write(`  error: ${printable(file.error)}\n`);
      for (const ref of file.refs) {
        const status = ref.passes ? STATUS[ref.why ?? 'pinned'] : 'UNPINNED';
        io.stdout.write(
          `  line ${String(ref.line).padEnd(5)} ${ref.kind.padEnd(17)} ${status}  ${printable(ref.uses)}${ref.passes ? '' : `  (${printable(ref.reason ?? '')})`}\n`,
        );
      }
    }
    const references = report.reduce((sum, file) => sum + file.refs.length, 0);
    const failing = failures.length - unreadable;
    io.stdout.write(
      `\n${count(report.length, 'file')}, ${count(references, 'reference')}, ${failing} not pinned${unreadable > 0 ? `, ${count(unreadable, 'file')} could not be read` : ''}\n`,
    );
  }
  return failures.length > 0 ? EXIT.findings : EXIT.ok;
}

/** Every image a file names, judged by the gate; `docker://` steps are listed as `uses:` already. */
function imageRefs(located: ReturnType<typeof locateImageFile>): ScannedRef[] {
  if (!located.ok) return [];
  return located.images
    .filter((entry) => entry.site.kind !== 'docker-step')
    .map((entry): ScannedRef => {
      const verdict = gateImage(entry);
      return {
        line: entry.site.line,
        uses: entry.site.written,
        kind: 'image',
        pinned: verdict.passes && verdict.why === 'pinned',
        passes: verdict.passes,
        ...(verdict.passes ? { why: verdict.why } : { reason: verdict.reason }),
      };
    });
}
