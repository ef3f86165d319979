// `pinwarden inventory`: every action and image the files use — where, pinned or not, at which
// commit or digest, with the audit's findings — from local paths or from every repository of an
// organisation (`--org`, through the API), as JSON, CSV or CycloneDX 1.6.
import { inventoryOf } from '../inventory/inventory.js';
import type { InventoryEntry } from '../inventory/inventory.js';
import { renderInventoryCycloneDx } from '../inventory/cyclonedx-bom.js';
import { renderInventoryCsv, renderInventoryJson } from '../inventory/render-inventory.js';
import { printable } from '../report/words.js';
import { canonicalName, parseImageRef } from '../images/image-reference.js';
import type { CliIo } from './io.js';
import { EXIT, UsageError } from './io.js';
import { auditRead, auditSources } from './local-audit.js';
import type { AuditSourceOptions, FilesToAudit } from './local-audit.js';
import { readLocalFiles } from './read-local-files.js';

export interface InventoryOptions extends AuditSourceOptions {
  readonly paths: readonly string[];
  readonly org: string | undefined;
  /** Keep only what this names: `aquasecurity/trivy-action`, `docker.io/aquasec/trivy` (and what lies below it). */
  readonly name: string | undefined;
  readonly format: 'json' | 'csv' | 'cyclonedx';
  readonly version: string;
}

export async function inventoryCommand(options: InventoryOptions, io: CliIo): Promise<number> {
  const sources = await auditSources(options, io);
  const sets: { repository?: string; files: FilesToAudit }[] = [];
  const notes: string[] = [];
  if (options.org !== undefined) {
    if (options.paths.length > 0) throw new UsageError('give --org or paths, not both');
    const token = io.env.GITHUB_TOKEN;
    if (!token) throw new UsageError('--org reads through the API: GITHUB_TOKEN is not set');
    const [{ createTokenOctokit }, { readOwner }] = await Promise.all([
      import('../github/create-octokit.js'),
      import('./read-owner.js'),
    ]);
    const read = await readOwner(createTokenOctokit({ token, baseUrl: options.apiUrl }), options.org);
    notes.push(...read.notes);
    for (const { repository, ...files } of read.repositories) sets.push({ repository, files });
  } else sets.push({ files: await readLocalFiles(options.paths, io.cwd) });

  const entries: InventoryEntry[] = [];
  for (const { repository, files } of sets) {
    const audit = await auditRead(files, sources, io);
    notes.push(...audit.notes.map((note) => (repository ? `${repository}: ${note}` : note)));
    entries.push(
      ...inventoryOf({
        ...(repository ? { repository } : {}),
        workflows: files.files,
        images: audit.images,
        indirect: audit.indirect,
        commitsToday: audit.commitsToday,
        findings: audit.findings,
      }),
    );
  }
  const kept = options.name === undefined ? entries : entries.filter(named(options.name));
  if (options.format === 'json') io.stdout.write(renderInventoryJson(kept, unique(notes)));
  else {
    io.stdout.write(
      options.format === 'csv' ? renderInventoryCsv(kept) : renderInventoryCycloneDx(kept, options.version),
    );
    for (const note of unique(notes)) io.stderr.write(`pinwarden: ${printable(note)}\n`);
  }
  return EXIT.ok;
}

/** An action by `owner/repo` (its paths too); an image as Docker reads the name (`aquasec/trivy` is `docker.io/aquasec/trivy`). */
function named(name: string): (entry: InventoryEntry) => boolean {
  const wanted = name.toLowerCase();
  const image = parseImageRef(name);
  const imageName = image.ok ? canonicalName(image.image) : undefined;
  return (entry) => {
    const have = entry.name.toLowerCase();
    if (entry.kind === 'image') return have === wanted || have === imageName;
    return have === wanted || have.startsWith(`${wanted}/`);
  };
}

function unique(notes: readonly string[]): string[] {
  return [...new Set(notes)];
}
