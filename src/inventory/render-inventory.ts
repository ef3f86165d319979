// The inventory as JSON (the entries as they are), CSV (one row a use, to grep and to open in a
// spreadsheet) and CycloneDX 1.6 (cyclonedx-bom.ts).
import type { InventoryEntry } from './inventory.js';
import { purlOf } from './purl.js';

export function renderInventoryJson(entries: readonly InventoryEntry[], notes: readonly string[] = []): string {
  return `${JSON.stringify({ entries: entries.map((entry) => ({ ...entry, purl: purlOf(entry) })), notes })}\n`;
}

const COLUMNS = [
  'repository',
  'kind',
  'name',
  'path',
  'line',
  'written',
  'pinned',
  'version',
  'commit',
  'digest',
  'relationship',
  'via',
  'findings',
  'purl',
] as const;

export function renderInventoryCsv(entries: readonly InventoryEntry[]): string {
  const rows = entries.map((entry) => {
    const cells: Record<(typeof COLUMNS)[number], string> = {
      repository: entry.repository ?? '',
      kind: entry.kind,
      name: entry.name,
      path: entry.path,
      line: String(entry.line),
      written: entry.written,
      pinned: entry.pinned ? 'yes' : 'no',
      version: entry.version ?? '',
      commit: entry.commit ?? '',
      digest: entry.digest ?? '',
      relationship: entry.relationship,
      via: (entry.via ?? []).join(' → '),
      findings: entry.findings.map((finding) => `${finding.severity} ${finding.check}`).join('; '),
      purl: purlOf(entry),
    };
    return COLUMNS.map((column) => csvCell(cells[column])).join(',');
  });
  return [COLUMNS.join(','), ...rows, ''].join('\r\n');
}

/**
 * RFC 4180 quoting, and a text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or
 * a carriage return first) is made text with a leading `'`: the cells come from repositories.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
