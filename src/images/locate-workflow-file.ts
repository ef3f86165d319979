// A workflow or action file read once for both passes: its `uses:` and the images its YAML names
// come from one tree (workflow-tree.ts), so the image pass does not parse the file again. When
// the image walk cannot read the tree, the images are left unknown and the image pass reads the
// file itself, with its own report.
import { imagesInWorkflowTree } from './locate-yaml-images.js';
import type { LocatedImage, LocatedWorkflowFile } from './types.js';
import { unreadable, usesInTree } from '../workflow/locate-uses-sites.js';
import type { FileKind, UsesReference } from '../workflow/types.js';
import { readWorkflowTree } from '../workflow/workflow-tree.js';
import type { WorkflowTree } from '../workflow/workflow-tree.js';

export function locateWorkflowFile(
  text: string,
  kind: FileKind,
  options: { readonly fastPath?: boolean } = {},
): LocatedWorkflowFile {
  let tree: WorkflowTree | undefined;
  let references: UsesReference[];
  try {
    const read = readWorkflowTree(text, options);
    if (!read.ok) return read;
    tree = read.tree;
    references = tree ? usesInTree(kind, tree) : [];
  } catch (error) {
    // One hostile file costs only that file: whatever it does to the walk is its own report.
    return unreadable(error);
  }
  const images = tree ? imagesOf(kind, tree) : [];
  return { ok: true, references, ...(images ? { images } : {}) };
}

function imagesOf(kind: FileKind, tree: WorkflowTree): LocatedImage[] | undefined {
  try {
    return imagesInWorkflowTree(kind, tree);
  } catch {
    return undefined;
  }
}
