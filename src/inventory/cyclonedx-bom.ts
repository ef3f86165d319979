// The inventory as a CycloneDX 1.6 BOM, built and serialised by the CycloneDX library
// (@cyclonedx/cyclonedx-library): one component a package URL — actions as applications, images
// as containers — each use a `pinwarden:occurrence` property (`repository:path:line`), findings as
// `pinwarden:finding`, and what an action calls inside it as its dependencies.
import * as CDX from '@cyclonedx/cyclonedx-library';
import { callsInside } from './inventory.js';
import type { InventoryEntry } from './inventory.js';
import { purlOf } from './purl.js';

export function renderInventoryCycloneDx(entries: readonly InventoryEntry[], version: string): string {
  const bom = new CDX.Models.Bom();
  bom.metadata.tools.components.add(
    new CDX.Models.Component(CDX.Enums.ComponentType.Application, 'pinwarden', { version }),
  );
  const components = new Map<string, CDX.Models.Component>();
  for (const entry of entries) {
    const purl = purlOf(entry);
    let component = components.get(purl);
    if (!component) {
      component = componentOf(entry, purl);
      components.set(purl, component);
      bom.components.add(component);
    }
    const where = `${entry.repository ? `${entry.repository}:` : ''}${entry.path}:${entry.line}`;
    component.properties.add(new CDX.Models.Property('pinwarden:occurrence', where));
    for (const finding of entry.findings)
      component.properties.add(
        new CDX.Models.Property(
          'pinwarden:finding',
          `${finding.severity} ${finding.check} at ${where}: ${finding.message}`,
        ),
      );
  }
  // An indirect use hangs under what calls it.
  for (const { caller, called } of callsInside(entries)) {
    const from = components.get(purlOf(caller));
    const to = components.get(purlOf(called));
    if (from && to?.bomRef && from !== to) from.dependencies.add(to.bomRef);
  }
  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true })}\n`;
}

function componentOf(entry: InventoryEntry, purl: string): CDX.Models.Component {
  const slash = entry.name.lastIndexOf('/');
  const [group, name] =
    entry.kind === 'image'
      ? [entry.name.slice(0, slash), entry.name.slice(slash + 1)]
      : [entry.name.split('/')[0]!, entry.name.split('/').slice(1).join('/')];
  const component = new CDX.Models.Component(
    entry.kind === 'image' ? CDX.Enums.ComponentType.Container : CDX.Enums.ComponentType.Application,
    name,
    {
      group,
      purl,
      bomRef: purl,
      ...((entry.digest ?? entry.commit ?? entry.version)
        ? { version: entry.digest ?? entry.version ?? entry.commit }
        : {}),
    },
  );
  component.properties.add(new CDX.Models.Property('pinwarden:kind', entry.kind));
  component.properties.add(new CDX.Models.Property('pinwarden:pinned', entry.pinned ? 'true' : 'false'));
  if (entry.commit) {
    const [owner, repo] = entry.name.split('/');
    component.properties.add(new CDX.Models.Property('pinwarden:commit', entry.commit));
    component.externalReferences.add(
      new CDX.Models.ExternalReference(
        `https://github.com/${owner}/${repo}/commit/${entry.commit}`,
        CDX.Enums.ExternalReferenceType.VCS,
      ),
    );
  }
  return component;
}
