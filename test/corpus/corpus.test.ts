// Runs the core over the real corpus in ../shared/corpus/workflows (read in place, not copied)
// with refs from ../shared/corpus/refs. Four oracles:
//  (a) locate finds exactly the `uses` values GitHub's own parser (@actions/workflow-parser) finds;
//  (b) un-pinning `@<sha> # <tag>` lines back to `@<tag>` and pinning again restores the bytes;
//  (c) a file with nothing to change comes out byte-identical, and pinning is idempotent;
//  (d) every rewritten file re-parses equal to the original except the pinned values.
import { relative } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';
import { parseDocument } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { findVerifiablePins, unpinToTags } from '../../src/dev/fake-github/unpin-to-tags.js';
import type { LocalFile } from '../../src/cli/collect-files.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import type { RepoRefs } from '../../src/resolve/repo-refs.js';
import { createTableRefResolver } from '../../src/resolve/table-ref-resolver.js';
import { refKey } from '../../src/resolve/types.js';
import type { RefKey, RefResolver } from '../../src/resolve/types.js';
import { collectRefRequests } from '../../src/plan/plan-pins.js';
import { applyEdits } from '../../src/rewrite/apply-edits.js';
import { rewriteFile } from '../../src/plan/rewrite-file.js';
import { editsAreProvablySafe } from '../../src/rewrite/safe-edits.js';
import { verifyRewrite } from '../../src/rewrite/verify-rewrite.js';
import type { FileRewrite } from '../../src/plan/rewrite-file.js';
import { mostSpecificVersionTag } from '../../src/resolve/version-tags.js';
import { locateImageFile } from '../../src/images/locate-image-file.js';
import { usesAsPinned } from '../../src/plan/pin-files.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';
import { locateWorkflowFile } from '../../src/images/locate-workflow-file.js';
import type { UsesReference } from '../../src/workflow/types.js';
import { readCorpusFiles } from '../support/corpus-files.js';
import type { CorpusText } from '../support/corpus-files.js';
import { corpusAvailable, corpusRefsDir, corpusWorkflowsDir } from '../support/paths.js';

interface CorpusFile extends CorpusText {
  readonly name: string;
}

let files: CorpusFile[];
let refsByRepo: Map<string, RepoRefs>;
let resolver: RefResolver;

beforeAll(async () => {
  if (!corpusAvailable) return;
  files = (await readCorpusFiles()).map((file) => ({ ...file, name: relative(corpusWorkflowsDir, file.path) }));
  const refs = loadRefsDir(corpusRefsDir);
  refsByRepo = new Map(refs.map((entry) => [entry.repo.toLowerCase(), entry]));
  resolver = createTableRefResolver(refs);
});

/** How many version parts a tag names: `v4` 1, `v4.2.2` 3. */
function versionParts(tag: string): number {
  return tag.replace(/^v/, '').split(/[-+]/)[0]!.split('.').length;
}

function referencesOf(file: { text: string; kind: LocalFile['kind'] }): readonly UsesReference[] {
  const located = locateUsesSites(file.text, file.kind);
  if (!located.ok) throw new Error(`locate failed: ${located.error}`);
  return located.references;
}

/** Pins a file; with `only`, refs outside that set stay unresolved (so they are left alone). */
async function pin(text: string, kind: LocalFile['kind'], only?: ReadonlySet<RefKey>): Promise<FileRewrite> {
  const references = referencesOf({ text, kind });
  const requests = collectRefRequests(references).filter((request) => only === undefined || only.has(refKey(request)));
  return rewriteFile({ text, references, resolutions: await resolver.resolve(requests) });
}

async function oracleUses(file: CorpusFile): Promise<string[] | undefined> {
  if (file.kind === 'action') {
    const parsed = parseAction({ name: file.name, content: file.text }, new NoOperationTraceWriter());
    if (parsed.context.errors.getErrors().length > 0 || !parsed.value) return undefined;
    const runs = convertActionTemplate(parsed.context, parsed.value).runs;
    return runs.using === 'composite' ? stepUses(runs.steps) : [];
  }
  const parsed = parseWorkflow({ name: file.name, content: file.text }, new NoOperationTraceWriter());
  if (parsed.context.errors.getErrors().length > 0 || !parsed.value) return undefined;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return template.jobs.flatMap((job) => (job.type === 'job' ? stepUses(job.steps) : [job.ref.value]));
}

function stepUses(steps: readonly unknown[]): string[] {
  return steps.flatMap((step) => {
    const record = step as { uses?: string | { value: string }; parallel?: unknown[] };
    if (record.parallel) return stepUses(record.parallel);
    if (record.uses === undefined) return [];
    return [typeof record.uses === 'string' ? record.uses : record.uses.value];
  });
}

describe.skipIf(!corpusAvailable)('corpus', () => {
  it('holds the files the shared README promises', () => {
    expect(files.length).toBeGreaterThanOrEqual(250);
    expect(refsByRepo.size).toBe(33);
  });

  it('(a) finds exactly the uses values GitHub’s own parser finds', async () => {
    let compared = 0;
    let oracleRejected = 0;
    let values = 0;
    const mismatches: string[] = [];
    for (const file of files) {
      const expected = await oracleUses(file);
      const located = locateUsesSites(file.text, file.kind);
      if (expected === undefined) {
        oracleRejected += 1;
        continue;
      }
      if (!located.ok) {
        mismatches.push(`${file.name}: we could not parse it (${located.error}) but GitHub's parser could`);
        continue;
      }
      compared += 1;
      values += expected.length;
      const ours = located.references.map((reference) => reference.site.value).toSorted();
      if (JSON.stringify(ours) !== JSON.stringify(expected.toSorted()))
        mismatches.push(`${file.name}: ours ${JSON.stringify(ours)} vs ${JSON.stringify(expected.toSorted())}`);
    }
    console.info(
      `(a) compared ${compared} files, ${values} uses values; ${oracleRejected} files rejected by the oracle`,
    );
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(200);
    expect(values).toBeGreaterThan(1000);
  });

  it('(b) un-pinned `@<sha> # <tag>` lines pin back to the original bytes', async () => {
    let keptComment = 0;
    let upgradedComments = 0;
    let droppedComment = 0;
    let canonicalLines = 0;
    const failures: string[] = [];
    for (const file of files) {
      const pins = findVerifiablePins(referencesOf(file), refsByRepo);
      if (pins.length === 0) continue;
      // Only the lines un-pinned here are resolved: tag refs the file never pinned stay as they are.
      const only = new Set(pins.map(({ ref, tag }) => refKey({ owner: ref.owner, repo: ref.repo, ref: tag })));
      // b1: the comment stays when it names the most specific tag on the commit; a vaguer one
      // (`# v4` where v4.2.2 is there too) gives way to it, the author's words kept after it.
      const withComment = await pin(unpinToTags(file.text, pins, { dropComment: false }), file.kind, only);
      const expected = applyEdits(
        file.text,
        pins.flatMap(({ reference: { site }, tag, tagsOnCommit }) => {
          const best = mostSpecificVersionTag(tag, tagsOnCommit);
          if (!best || versionParts(best) <= versionParts(tag)) return [];
          upgradedComments += 1;
          const words = site.comment!.text.replace(/^#+/, '').trim().split(/\s+/).slice(1);
          return [{ start: site.comment!.start, end: site.lineEnd, text: ['#', best, ...words].join(' ') }];
        }),
      );
      if (withComment.status === 'rewritten' && withComment.text === expected) keptComment += pins.length;
      else
        failures.push(
          `${file.name} (comment kept): ${withComment.status === 'rewritten' ? 'bytes differ' : withComment.status}`,
        );
      // b2: the comment is gone; ours must equal the original where it was ` # <most specific tag>`.
      const canonical = pins.filter(
        ({ reference: { site }, tag, tagsOnCommit }) =>
          file.text.slice(site.valueEnd, site.lineEnd) === ` # ${tag}` &&
          mostSpecificVersionTag(tag, tagsOnCommit) === tag,
      );
      if (canonical.length !== pins.length) continue;
      canonicalLines += canonical.length;
      const withoutComment = await pin(unpinToTags(file.text, pins, { dropComment: true }), file.kind, only);
      if (withoutComment.status === 'rewritten' && withoutComment.text === file.text) droppedComment += pins.length;
      else
        failures.push(
          `${file.name} (comment dropped): ${withoutComment.status === 'rewritten' ? 'bytes differ' : withoutComment.status}`,
        );
    }
    console.info(
      `(b) restored ${keptComment} lines with their comment kept (${upgradedComments} comments naming a vaguer tag of the commit now name the most specific one), ${droppedComment} of ${canonicalLines} canonical lines with the comment rewritten`,
    );
    expect(failures).toEqual([]);
    expect(keptComment).toBeGreaterThan(300);
    expect(droppedComment).toBeGreaterThan(100);
  });

  it('(c) leaves files with nothing to change byte-identical, and pinning twice changes nothing more', async () => {
    let unchanged = 0;
    let idempotent = 0;
    for (const file of files) {
      const first = await pin(file.text, file.kind);
      expect(first.status, file.name).not.toBe('rejected');
      if (first.status === 'unchanged') {
        unchanged += 1;
        continue;
      }
      if (first.status !== 'rewritten') continue;
      const second = await pin(first.text, file.kind);
      expect(second.status, file.name).toBe('unchanged');
      idempotent += 1;
    }
    console.info(`(c) ${unchanged} files unchanged, ${idempotent} rewritten files stable on a second run`);
    expect(unchanged).toBeGreaterThan(100);
    expect(idempotent).toBeGreaterThan(10);
  });

  it('(d) every rewritten file re-parses equal to the original except the pinned values', async () => {
    let rewritten = 0;
    let pinnedValues = 0;
    let provedSafe = 0;
    let movedImages = 0;
    for (const file of files) {
      // Turn every verifiable pin back into its tag, so that most files have real work.
      const unpinned = unpinToTags(file.text, findVerifiablePins(referencesOf(file), refsByRepo), {
        dropComment: true,
      });
      const result = await pin(unpinned, file.kind);
      if (result.status !== 'rewritten') continue;
      rewritten += 1;
      const pins = result.plan.entries.flatMap((entry) => (entry.action === 'pin' ? [entry.pin] : []));
      pinnedValues += pins.length;
      const expected = parseDocument(unpinned).toJS() as unknown;
      for (const pinned of pins) setAtPath(expected, pinned.site.path, pinned.after);
      expect(parseDocument(result.text).toJS(), file.name).toEqual(expected);
      // Rewrites that skipped the re-parse (rewrite/safe-edits.ts) pass the full verification too.
      expect(
        verifyRewrite({
          original: unpinned,
          updated: result.text,
          expected: new Map(pins.map((p) => [p.site.nodeStart, p.after])),
        }),
        file.name,
      ).toEqual({ ok: true });
      if (
        editsAreProvablySafe(
          unpinned,
          pins.map((p) => ({ site: p.site, after: p.after, edits: p.edits })),
        )
      )
        provedSafe += 1;
      // The moved references of a proved rewrite are what locating the new text finds; so are its moved images.
      if (result.references)
        expect(result.references, file.name).toEqual(referencesOf({ text: result.text, kind: file.kind }));
      const asPinned = usesAsPinned(
        { path: file.name, original: unpinned, ...result },
        locateWorkflowFile(unpinned, file.kind),
      );
      if (asPinned?.ok && asPinned.images) {
        movedImages += asPinned.images.length;
        expect(
          locateImageFile({ path: file.name, kind: file.kind, text: result.text, uses: asPinned }),
          file.name,
        ).toEqual(locateImageFile({ path: file.name, kind: file.kind, text: result.text }));
      }
      const again = referencesOf({ text: result.text, kind: file.kind });
      expect(new Set(again.map((reference) => reference.site.value))).toEqual(
        new Set([
          ...pins.map((p) => p.after),
          ...referencesOf({ text: unpinned, kind: file.kind })
            .filter((r) => !pins.some((p) => p.site.valueStart === r.site.valueStart))
            .map((r) => r.site.value),
        ]),
      );
    }
    console.info(
      `(d) ${rewritten} rewritten files (${provedSafe} proved safe without a re-parse), ${pinnedValues} pinned values, all re-parse equal; ${movedImages} images moved, not read again`,
    );
    expect(rewritten).toBeGreaterThan(100);
    expect(movedImages).toBeGreaterThan(20);
    expect(provedSafe).toBeGreaterThan(100);
  });
});

/** Sets `jobs.build.steps[2].uses` in plain parsed data. */
function setAtPath(root: unknown, path: string, value: string): void {
  const keys = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) =>
    match[2] === undefined ? match[1]! : Number(match[2]),
  );
  let node = root as Record<string | number, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[keys.at(-1)!] = value;
}
