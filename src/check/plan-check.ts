// The pull-request check, decided on plain data: which findings sit on lines the pull request
// wrote (only those are annotated; the rest is counted in the summary), how serious each is for a
// gate (a mutable reference or unpinned image the pull request adds is what the check exists to
// stop, so it is high here though the audit calls it medium), the conclusion, and the fix: the
// flagged lines pinned, every other byte kept.
import type { Finding, Severity } from '../audit/types.js';
import { bySeverityThenPlace } from '../audit/types.js';
import type { ImageFile } from '../images/types.js';
import { locateImageFile } from '../images/locate-image-file.js';
import { rewriteImages } from '../images/rewrite-images.js';
import { contextFor } from '../images/locate-image-file.js';
import type { SignatureContext } from '../images/plan-images.js';
import type { ImageKey, ImageResolution } from '../images/image-digests.js';
import type { LocatedImage, LocateImagesResult } from '../images/types.js';
import type { RefKey, Resolution } from '../resolve/types.js';
import { rewriteFile } from '../plan/rewrite-file.js';
import type { Judgements } from '../trust/judge-pin.js';
import type { IgnoreRef } from '../workflow/types.js';
import type { FileKind, LocateResult, UsesReference } from '../workflow/types.js';
import { isTouched } from './changed-lines.js';
import type { TouchedLines } from './changed-lines.js';

export type CheckConclusion = 'success' | 'neutral' | 'failure';

export interface CheckedWorkflow {
  readonly path: string;
  readonly kind: FileKind;
  readonly text: string;
  readonly located: LocateResult;
  readonly touched: TouchedLines;
}

export interface CheckedImageFile extends ImageFile {
  readonly touched: TouchedLines;
  /** Its images, located once when the file was read. */
  readonly located: LocateImagesResult;
}

/** The images of a file on lines the pull request wrote (`touched`), or on the others. */
export function imagesOnLines(file: CheckedImageFile, touched: boolean): LocatedImage[] {
  return file.located.ok
    ? file.located.images.filter((image) => isTouched(file.touched, image.site.line) === touched)
    : [];
}

/** The audit's findings as the check weighs them, and whether the pull request wrote their line. */
export interface CheckFinding extends Finding {
  readonly touched: boolean;
}

export function weighForCheck(findings: readonly Finding[], touchedOf: (path: string) => TouchedLines): CheckFinding[] {
  return findings
    .map((finding): CheckFinding => ({
      ...finding,
      severity: finding.check === 'unpinned' ? 'high' : finding.severity,
      touched: isTouched(touchedOf(finding.path), finding.line),
    }))
    .sort(bySeverityThenPlace);
}

/** `failure` (the default) or `neutral` for critical and high findings on written lines; neutral for the rest; success when none. */
export function conclusionOf(findings: readonly CheckFinding[], serious: 'failure' | 'neutral'): CheckConclusion {
  const blamed = findings.filter((finding) => finding.touched);
  if (blamed.some((finding) => finding.severity === 'critical' || finding.severity === 'high')) return serious;
  return blamed.some((finding) => finding.severity !== 'info') ? 'neutral' : 'success';
}

export function annotationLevel(severity: Severity): 'failure' | 'warning' | 'notice' {
  return severity === 'critical' || severity === 'high' ? 'failure' : severity === 'medium' ? 'warning' : 'notice';
}

/** The references of a file on lines the pull request wrote. */
export function touchedReferences(file: CheckedWorkflow): UsesReference[] {
  return file.located.ok
    ? file.located.references.filter((reference) => isTouched(file.touched, reference.site.line))
    : [];
}

export interface FileFix {
  readonly path: string;
  readonly text: string;
  /** Line → the line as the fix writes it, for suggestions. */
  readonly lines: ReadonlyMap<number, string>;
}

/**
 * The flagged lines pinned: only references and images on written lines; a file whose rewrite does
 * not verify is left out. Lines keep their numbers (pins never add or remove lines).
 */
export function planFix(input: {
  readonly workflows: readonly CheckedWorkflow[];
  readonly images: readonly CheckedImageFile[];
  readonly resolutions: ReadonlyMap<RefKey, Resolution>;
  readonly imageResolutions: ReadonlyMap<ImageKey, ImageResolution>;
  /** The signatures read beside the digests and `images.verify`: a digest its rules refuse is not written. */
  readonly imageSignatures?: SignatureContext;
  readonly ignore?: IgnoreRef;
  readonly staysOnTag?: readonly string[];
  /** Pin-time trust's judgements: a held line is not suggested, nor pushed by "Pin them". */
  readonly judgements?: Judgements;
  /** Told of each flagged reference that cannot be pinned, with the reason (no such tag, no access, held). */
  readonly onUnpinnable?: (path: string, line: number, reason: string) => void;
}): FileFix[] {
  const texts = new Map<string, { original: string; text: string }>();
  for (const file of input.workflows) {
    const references = touchedReferences(file);
    if (references.length === 0) continue;
    const rewritten = rewriteFile({
      text: file.text,
      references,
      resolutions: input.resolutions,
      ...(input.ignore ? { ignore: input.ignore } : {}),
      ...(input.staysOnTag ? { staysOnTag: input.staysOnTag } : {}),
      ...(input.judgements ? { judgements: input.judgements } : {}),
    });
    if (rewritten.status === 'rewritten') texts.set(file.path, { original: file.text, text: rewritten.text });
    for (const entry of rewritten.plan.entries)
      if (entry.action === 'skip') input.onUnpinnable?.(file.path, entry.site.line, entry.reason);
  }
  for (const file of input.images) {
    // A chart's values are pinned where its templates read a digest: the pinning pull request's work, not a line fix.
    if (file.kind === 'helm-values') continue;
    const current = texts.get(file.path)?.text ?? file.text;
    // A file the action pass rewrote is located again on its new text (its `uses:` moved).
    const located = texts.has(file.path) ? locateImageFile({ ...file, text: current, uses: undefined }) : file.located;
    if (!located.ok) continue;
    const rewritten = rewriteImages({
      text: current,
      kind: file.kind,
      images: located.images,
      resolutions: input.imageResolutions,
      ...(input.imageSignatures ? { signatures: input.imageSignatures } : {}),
      ignore: (image) => !isTouched(file.touched, image.site.line),
      contextOf: (text) => contextFor(file, text),
    });
    if (rewritten.status === 'rewritten')
      texts.set(file.path, { original: texts.get(file.path)?.original ?? file.text, text: rewritten.text });
  }
  return [...texts].map(([path, { original, text }]) => {
    const before = original.split('\n');
    const after = text.split('\n');
    const lines = new Map(after.flatMap((line, index) => (line !== before[index] ? [[index + 1, line] as const] : [])));
    return { path, text, lines };
  });
}
