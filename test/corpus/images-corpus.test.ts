// Images in the real corpus (../shared/corpus/workflows, read in place): what the image locator
// finds in every workflow equals what a plain reading of the parsed YAML finds (job containers,
// service containers, docker:// steps), never text of a `run:` block; and pinning them against
// registry data written from those very names changes only those values.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tableDigestResolver } from '../../src/images/registry/table-digest-resolver.js';
import { canonicalName, effectiveTag, parseImageRef } from '../../src/images/image-reference.js';
import { locateImageFile } from '../../src/images/locate-image-file.js';
import { pinImageFiles } from '../../src/images/pin-images.js';
import { verifyImageRewrite } from '../../src/images/rewrite-images.js';
import { imageEditsAreProvablySafe } from '../../src/images/safe-image-edits.js';
import { planImageFile } from '../support/image-pins.js';
import { readCorpusFiles } from '../support/corpus-files.js';
import { corpusAvailable } from '../support/paths.js';

type Job = {
  container?: string | { image?: string };
  services?: Record<string, { image?: string }>;
  steps?: { uses?: string }[];
};

/** The images of a workflow read from its plain JavaScript value: the oracle. */
function plainImages(text: string): string[] {
  const jobs = ((parse(text) ?? {}) as { jobs?: Record<string, Job> }).jobs ?? {};
  return Object.values(jobs).flatMap((job) => [
    ...(typeof job.container === 'string'
      ? [job.container]
      : job.container?.image !== undefined
        ? [String(job.container.image)]
        : []),
    ...Object.values(job.services ?? {}).flatMap((service) =>
      service?.image !== undefined ? [String(service.image)] : [],
    ),
    ...(job.steps ?? []).flatMap((step) =>
      typeof step?.uses === 'string' && step.uses.startsWith('docker://') ? [step.uses.slice('docker://'.length)] : [],
    ),
  ]);
}

describe.skipIf(!corpusAvailable)('images in the corpus', () => {
  it('finds exactly the images a plain reading of each workflow names, and pins only those values', async () => {
    const workflows = (await readCorpusFiles()).filter((file) => file.kind === 'workflow');
    let total = 0;
    const names = new Set<string>();
    for (const file of workflows) {
      const located = locateImageFile(file);
      if (!located.ok) continue;
      const found = located.images.map((image) => image.site.written);
      expect(found.sort(), file.path).toEqual(plainImages(file.text).sort());
      total += found.length;
      for (const image of located.images)
        if (image.status === 'image') names.add(`${canonicalName(image.image)}:${effectiveTag(image.image)}`);
    }
    expect(total).toBeGreaterThan(20);
    // Registry data made from the names found: each gets a digest; pinning must then touch only image values.
    const data = {
      images: Object.fromEntries(
        [...names].map((name) => [name, { digest: `sha256:${createHash('sha256').update(name).digest('hex')}` }]),
      ),
    };
    const { files: pinned } = await pinImageFiles(workflows, tableDigestResolver(JSON.stringify(data)));
    for (const result of pinned) {
      expect(result.status, `${result.path}: ${'problem' in result ? result.problem : ''}`).not.toBe('rejected');
      if (result.status !== 'rewritten') continue;
      const before = result.original.split('\n');
      const after = result.text.split('\n');
      expect(after.length).toBe(before.length);
      for (const [index, line] of before.entries()) {
        if (line === after[index]) continue;
        const [, digest] = /@(sha256:[0-9a-f]{64})/.exec(after[index]!) ?? [];
        expect(digest, `${result.path}:${index + 1}`).toBeDefined();
        expect(after[index]!.replace(`@${digest}`, '')).toBe(line);
      }
    }
    const parsedNames = [...names].filter((name) => parseImageRef(name).ok);
    expect(parsedNames.length).toBe(names.size);
  });

  it('skips the second reading only where the full check agrees: every workflow whose pins are provably safe', async () => {
    let proved = 0;
    for (const { path, text } of (await readCorpusFiles()).filter((entry) => entry.kind === 'workflow')) {
      if (!locateImageFile({ path: path, kind: 'workflow', text }).ok) continue;
      const planned = planImageFile(text, 'workflow');
      if (planned.pins.length === 0 || !imageEditsAreProvablySafe(text, planned.pins)) continue;
      proved += 1;
      expect(verifyImageRewrite(planned.input, planned.entries, planned.pinned), path).toBeUndefined();
    }
    expect(proved).toBeGreaterThan(5);
  });
});
