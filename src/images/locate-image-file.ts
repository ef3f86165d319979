// Where a file's images are, without planning anything: `scan`, the check and the pin pass locate
// through here, and only the pass that plans loads the known-bad data and the registry client.
// Workflow and action files come with their `uses:` (located on the same text) so `docker://`
// steps are read where they are.
import { locateUsesSites } from '../workflow/locate-uses-sites.js';
import { locateDockerfileImages } from './locate-dockerfile-images.js';
import { locateYamlImages, withDockerSteps } from './locate-yaml-images.js';
import type { YamlImageContext } from './locate-yaml-images.js';
import type { ImageFile } from './types.js';
import type { ImageFileKind, LocatedWorkflowFile, LocateImagesResult } from './types.js';

export function locateImages(text: string, kind: ImageFileKind, context: YamlImageContext = {}): LocateImagesResult {
  return kind === 'dockerfile' ? locateDockerfileImages(text) : locateYamlImages(text, kind, context);
}

/**
 * Workflows and actions name images only under an `image` or `container` key, or as `docker://`:
 * a file without such a key (quoted or not) or that text is not parsed a second time.
 */
const MAY_NAME_IMAGE = /\b(?:image|container|services)['"]?[ \t]*:|docker:\/\//;

export function contextFor(
  file: Pick<ImageFile, 'kind' | 'templates' | 'appVersion'>,
  text: string,
  uses?: LocatedWorkflowFile,
): YamlImageContext {
  if (file.kind !== 'workflow' && file.kind !== 'action')
    return {
      ...(file.templates ? { helmTemplates: file.templates } : {}),
      ...(file.appVersion !== undefined ? { appVersion: file.appVersion } : {}),
    };
  const located = uses ?? locateUsesSites(text, file.kind);
  return { uses: located.ok ? located.references : [] };
}

export function locateImageFile(file: ImageFile): LocateImagesResult {
  // Read with the file's `uses:` from the same parse (images/locate-workflow-file.ts): nothing to parse.
  if (file.uses?.ok && file.uses.images)
    return { ok: true, images: withDockerSteps(file.uses.images, file.uses.references) };
  if ((file.kind === 'workflow' || file.kind === 'action') && !MAY_NAME_IMAGE.test(file.text))
    return { ok: true, images: [] };
  return locateImages(file.text, file.kind, contextFor(file, file.text, file.uses));
}
