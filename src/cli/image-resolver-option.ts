// Where the CLI reads image digests from: a fake-registry data file (`--registry-data FILE`,
// offline), registry mirrors (`--registry-mirror REGISTRY=URL`, repeatable, or
// PINWARDEN_REGISTRY_MIRRORS, space-separated), or the registries themselves. An offline run
// (`--refs DIR`) asks no registry unless told where: images are then reported, not resolved.
import { readFile } from 'node:fs/promises';
import { unaskedResolver } from '../images/image-digests.js';
import type { ImageDigestResolver } from '../images/image-digests.js';
import { MirrorError, parseRegistryMirrors } from '../images/registry/mirrors.js';
import { UsageError } from './io.js';

export interface ImageResolverOption {
  readonly registryMirrors?: readonly string[];
  readonly registryData?: string | undefined;
  readonly refsDir: string | undefined;
}

export async function chooseImageResolver(
  options: ImageResolverOption,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ImageDigestResolver> {
  if (options.registryData !== undefined) {
    const text = await readFile(options.registryData, 'utf8').catch((error: Error) => {
      throw new UsageError(`cannot read --registry-data ${options.registryData}: ${error.message}`);
    });
    // Each resolver is loaded only when chosen: a data file's schema library and a registry
    // client's queue and pattern engine are most of a one-shot command's start-up.
    const { tableDigestResolver } = await import('../images/registry/table-digest-resolver.js');
    try {
      return tableDigestResolver(text);
    } catch (error) {
      throw new UsageError(
        `--registry-data ${options.registryData} is not a registry data file: ${(error as Error).message.split('\n')[0]}`,
      );
    }
  }
  const specs = [
    ...(options.registryMirrors ?? []),
    ...(env.PINWARDEN_REGISTRY_MIRRORS ?? '').split(/\s+/).filter((spec) => spec !== ''),
  ];
  if (specs.length === 0 && options.refsDir !== undefined)
    return unaskedResolver(
      'offline (--refs); give --registry-data FILE or --registry-mirror REGISTRY=URL to resolve image digests',
    );
  const { credentialsFromEnv, createDigestResolver } = await import('../images/registry/digest-resolver.js');
  try {
    return createDigestResolver({
      mirrors: parseRegistryMirrors(specs),
      credentials: credentialsFromEnv(env.PINWARDEN_REGISTRY_CREDENTIALS),
    });
  } catch (error) {
    if (error instanceof MirrorError) throw new UsageError(error.message);
    throw new UsageError((error as Error).message);
  }
}
