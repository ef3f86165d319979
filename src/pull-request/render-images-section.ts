// The pull request's part on container images: every digest written (the tag kept beside it),
// `latest` flagged for review, what was refused or could not be resolved and why, what
// Dependabot will not keep current, and the Kyverno policies for repositories that deploy to
// Kubernetes. Plain strings out; every repository value escaped.
import type { RepositoryImages } from '../plan/plan-repository.js';
import { kindsWithoutDependabot } from '../dependabot/image-ecosystems.js';
import { codeBlock, inlineCode, safeMessage, tableCode } from '../markdown/safe-markdown.js';
import type { SignatureFacts } from '../images/signatures.js';
import { FILE_KIND_WORDS, count } from '../report/words.js';

interface LeftAlone {
  readonly path: string;
  readonly line: number;
  readonly written: string;
  readonly reason: string;
  readonly bad: boolean;
  readonly unsigned?: boolean;
}

/** Image pins planned in `images`, with their files. */
export function imagePins(images: RepositoryImages | undefined) {
  return (images?.files ?? []).flatMap((file) =>
    file.status === 'rewritten'
      ? file.entries.flatMap((entry) => (entry.action === 'pin' ? [{ path: file.path, kind: file.kind, entry }] : []))
      : [],
  );
}

/** `fit` keeps whole rows within a character budget (the body's limit is shared). */
export function imagesSection(
  images: RepositoryImages | undefined,
  fit: (rows: readonly string[], budget: number) => string[],
  /** `path:line` of known-compromised images the findings section already describes. */
  said: ReadonlySet<string> = new Set(),
): string[] {
  if (!images) return [];
  const pins = imagePins(images);
  // Left as they are: what could not be pinned, and the images a compose service builds (said, never pinned).
  const skipped = images.files.flatMap((file) =>
    file.status === 'unreadable'
      ? []
      : file.entries.flatMap((entry): LeftAlone[] =>
          entry.action === 'skip'
            ? [
                {
                  path: file.path,
                  line: entry.located.site.line,
                  written: entry.located.site.written,
                  reason:
                    entry.bad && said.has(`${file.path}:${entry.located.site.line}`)
                      ? 'see Security findings above'
                      : entry.reason,
                  bad: entry.bad !== undefined,
                  unsigned: entry.unsigned !== undefined,
                },
              ]
            : entry.action === 'keep' && entry.why === 'not-image' && entry.located.site.kind === 'compose-service'
              ? [
                  {
                    path: file.path,
                    line: entry.located.site.line,
                    written: entry.located.site.written,
                    reason: entry.detail ?? 'not an image to pull',
                    bad: false,
                  },
                ]
              : [],
        ),
  );
  const lines: string[] = [];
  if (pins.length > 0) {
    lines.push(
      '',
      `### Container images: ${count(pins.length, 'image')} pinned by digest in ${count(new Set(pins.map((pin) => pin.path)).size, 'file')}`,
    );
    lines.push(
      'A tag can be re-pointed to another image like a git tag (`aquasec/trivy:latest` served the malicious 0.69.4 build in March 2026); a digest cannot. The tag stays beside the digest, so readers and Dependabot still see the version.',
      '',
    );
    lines.push('| File | Line | Before | After | Signature |', '| --- | ---: | --- | --- | --- |');
    lines.push(
      ...fit(
        pins.map(
          ({ path, entry }) =>
            `| ${tableCode(path)} | ${entry.located.site.line} | ${tableCode(entry.located.site.written)} | ${tableCode(entry.after)}${entry.latest ? ' **latest**' : ''} | ${signatureCell(entry.signature)} |`,
        ),
        10_000,
      ),
    );
    const latest = pins.filter(({ entry }) => entry.latest);
    if (latest.length > 0) {
      lines.push('', '#### Review these images');
      lines.push(
        ...fit(
          latest.map(
            ({ path, entry }) =>
              `- ${inlineCode(path)} line ${entry.located.site.line}: ${inlineCode(entry.located.site.written)} is \`latest\`, whatever was pushed last; it is pinned to today's digest, but name a version so its updates say what changed.`,
          ),
          3_000,
        ),
      );
    }
    const unkept = kindsWithoutDependabot([...new Set(pins.map((pin) => pin.kind))]);
    if (unkept.length > 0)
      lines.push(
        '',
        `Dependabot has no ecosystem for images in ${unkept.map((kind) => FILE_KIND_WORDS[kind] ?? kind).join(' or ')}: those digests stay as written until someone updates them; pinwarden's audit says when their tag has moved on.`,
      );
  }
  if (skipped.length > 0) {
    lines.push('', '#### Images left as they are');
    lines.push(
      ...fit(
        skipped.map(
          ({ path, line, written, reason, bad, unsigned }) =>
            `- ${inlineCode(path)} line ${line}: ${inlineCode(written || '(empty)')}: ${safeMessage(reason)}${bad ? ' **(refused: known-compromised)**' : unsigned ? ' **(refused: signature)**' : ''}`,
        ),
        6_000,
      ),
    );
  }
  for (const note of images.notes) lines.push('', `Images: ${safeMessage(note)}.`);
  lines.push(...kyvernoLines(images));
  return lines;
}

/** What the table says of a digest's signatures; a signer's identity is anyone's text, so it is code. */
function signatureCell(facts: SignatureFacts | undefined): string {
  if (!facts || facts.status === 'not-checked') return 'not checked';
  if (facts.status === 'not-signed') return 'not signed';
  if (facts.signers.length > 0)
    return `signed by ${[...new Set(facts.signers.map((one) => one.identity))].map(tableCode).join(', ')}`;
  return facts.legacy ? 'signed (cosign `.sig`, not verified)' : 'signed (did not verify)';
}

function kyvernoLines(images: RepositoryImages): string[] {
  const plan = images.kyverno;
  if (!plan) return [];
  const head = ['', '### Kyverno policies for the cluster'];
  const what =
    "Kyverno's `disallow-latest-tag` and `require-image-checksum`, the registries this repository's manifests pull from, tags resolved to digests at admission, and — where the organisation signs its images — their signatures checked, all in Audit mode (they report and block nothing until you switch to Enforce)";
  const policies = (text: string) => [
    '',
    '<details><summary>The policies</summary>',
    '',
    codeBlock(text.trimEnd(), 'yaml'),
    '',
    '</details>',
  ];
  switch (plan.action) {
    case 'add':
      return [...head, `Adds ${inlineCode(plan.path)}: ${what}.`];
    case 'present':
      return [...head, `${inlineCode(plan.path)} already holds pinwarden's image policies.`];
    case 'outdated':
      return [
        ...head,
        `${inlineCode(plan.path)} holds pinwarden's policies from an earlier reading; what it reads now differs (the registries, the images or who signs them). pinwarden does not overwrite the file, which may carry your edits: compare it with these.`,
        ...policies(plan.text),
      ];
    case 'occupied':
      return [
        ...head,
        `${inlineCode(plan.path)} holds another file, so the image policies were not added; set \`images.kyverno_path\` in \`.github/pinwarden.yml\` to put them elsewhere.`,
      ];
    case 'propose':
      return [
        ...head,
        `This repository deploys to Kubernetes. These policies — ${what} — keep the cluster honest about what it runs. Set \`images.kyverno: true\` in \`.github/pinwarden.yml\` to have pinwarden add them as ${inlineCode(plan.path)}.`,
        ...policies(plan.text),
      ];
  }
}
