import type { ScalarSite } from '../yaml/scalar-site.js';
import type { ImageRef } from './image-reference.js';
import type { LocateResult } from '../workflow/types.js';

/** Which files hold images, and how each is read. */
export type ImageFileKind =
  'workflow' | 'action' | 'dockerfile' | 'compose' | 'kubernetes' | 'helm-values' | 'kustomization';

/** Where an image sits, in the words of its file's format. */
export type ImageSiteKind =
  | 'job-container'
  | 'service'
  | 'docker-step'
  | 'docker-action'
  | 'from'
  | 'syntax'
  | 'copy-from'
  | 'mount-from'
  | 'compose-service'
  | 'pod-container'
  | 'pod-volume'
  | 'helm-image'
  | 'kustomize-image';

/** How a digest is put into the text. */
export type ImageEdit =
  /** A YAML scalar holds `prefix` + the image: the scalar is rewritten, quoting kept. */
  | { readonly how: 'scalar'; readonly site: ScalarSite; readonly prefix: string }
  /** Raw text holds the image at [start, end) (a Dockerfile's FROM): the digest is appended there. */
  | {
      readonly how: 'text';
      readonly start: number;
      readonly end: number;
      /** A Dockerfile inside a YAML scalar (compose's `dockerfile_inline`): the node, its decoded text, and where the image ends in it. */
      readonly within?: { readonly nodeStart: number; readonly text: string; readonly end: number };
    }
  /**
   * A map names the image in parts (Helm's `{registry, repository, tag}`, kustomize's
   * `{name, newName, newTag}`): the digest goes into its `digest` key — the empty one it has, or
   * a new line after its last key (`indent`), or before a flow map's `}` (`indent` undefined).
   */
  | {
      readonly how: 'digest-key';
      readonly mapStart: number;
      readonly existing: ScalarSite | undefined;
      readonly insertAt: number;
      readonly indent: string | undefined;
      readonly newline: string;
    };

export interface ImageSite {
  readonly kind: ImageSiteKind;
  /** Dotted path in the document (`spec.template.spec.initContainers[0].image`) or `FROM` for a Dockerfile. */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** The image as written (without `docker://`). */
  readonly written: string;
  /** How to write a digest; undefined when it cannot be written in place, with the reason. */
  readonly edit: ImageEdit | undefined;
  readonly cannotEdit?: string;
  /** The line's trailing comment (an opt-out lives there). */
  readonly comment?: { readonly start: number; readonly text: string };
  /** The document this image belongs to, for multi-document files (0-based). */
  readonly document?: number;
}

export type LocatedImage =
  | { readonly status: 'image'; readonly site: ImageSite; readonly image: ImageRef }
  /** Not an image to pin, and why: `FROM scratch`, `FROM <stage>`, a Docker action built from its Dockerfile. */
  | { readonly status: 'not-image'; readonly site: ImageSite; readonly why: string }
  /** An image pinwarden cannot read: a variable, a template, an invalid reference. */
  | { readonly status: 'unreadable'; readonly site: ImageSite; readonly why: string };

export type LocateImagesResult =
  { readonly ok: true; readonly images: readonly LocatedImage[] } | { readonly ok: false; readonly error: string };

/**
 * A workflow or action file's `uses:` and, read from the same parse (`locateWorkflowFile`), the
 * images its YAML names (job containers, services, `runs.image`; not the `docker://` steps, which
 * are among `references`): the image pass then parses nothing. Absent images: unknown.
 */
export type LocatedWorkflowFile =
  | (Extract<LocateResult, { readonly ok: true }> & { readonly images?: readonly LocatedImage[] })
  | Extract<LocateResult, { readonly ok: false }>;

/** A file that may name images, as read: its kind decides how it is located. */
export interface ImageFile {
  readonly path: string;
  readonly kind: ImageFileKind;
  readonly text: string;
  /** The file's `uses:` when already located on this very text (workflows and actions). */
  readonly uses?: LocatedWorkflowFile;
  /** A values file's chart templates. */
  readonly templates?: readonly string[];
  /** A values file's chart `appVersion` (Chart.yaml). */
  readonly appVersion?: string;
}
