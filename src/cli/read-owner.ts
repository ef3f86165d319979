// An organisation's repositories, read through GitHub's API for `pinwarden inventory --org`: the
// workflow and action files with the App's batched query (ten repositories a query), the image
// files from their trees (listed ten a query too), and each file located as `pin` and `audit` locate a local one.
import type { GitHubClient } from '../github/github-client.js';
import { ownerRepositories } from '../github/installation-repositories.js';
import { listTrees } from '../github/list-trees.js';
import { readImageFiles } from '../github/read-image-files.js';
import { readRepositories, repositoryKey } from '../github/read-repository.js';
import { locateWorkflowFile } from '../images/locate-workflow-file.js';
import { fileKindOf } from '../workflow/file-kind.js';
import type { FilesToAudit } from './local-audit.js';

export interface OwnerRepositoryFiles extends FilesToAudit {
  readonly repository: string;
}

export async function readOwner(
  github: GitHubClient,
  owner: string,
): Promise<{ repositories: OwnerRepositoryFiles[]; notes: string[] }> {
  const names = await ownerRepositories(github, owner);
  const wanted = names.map((fullName) => {
    const [repositoryOwner = owner, name = ''] = fullName.split('/');
    return { owner: repositoryOwner, name };
  });
  const reads = await readRepositories(github, wanted);
  const notes: string[] = [];
  const repositories: OwnerRepositoryFiles[] = [];
  const found = wanted.flatMap((repository) => {
    const read = reads.get(repositoryKey(repository));
    if (!read) notes.push(`${repository.owner}/${repository.name}: not read (gone, or the token cannot read it)`);
    return read?.status === 'read' ? [{ repository, read }] : [];
  });
  // Their trees, ten a GraphQL query, for the image files.
  const listings = await listTrees(
    github,
    found.map(({ repository, read }) => ({ ...repository, commit: read.headSha })),
  );
  for (const [index, { repository, read }] of found.entries()) {
    const fullName = `${repository.owner}/${repository.name}`;
    const images = await readImageFiles(github, repository, read.headSha, () => false, [], listings[index]);
    const files = read.files.flatMap((file) => {
      const kind = fileKindOf(file.path);
      return kind ? [{ path: file.path, kind, text: file.text, located: locateWorkflowFile(file.text, kind) }] : [];
    });
    repositories.push({
      repository: fullName,
      files,
      imageFiles: images.files,
      lockfiles: read.actionsLock ? [read.actionsLock] : [],
      notes: [
        ...read.unreadable.map(({ path, reason }) => `${fullName}: ${path} not read: ${reason}`),
        ...images.notes.map((note) => `${fullName}: ${note}`),
      ],
    });
  }
  return { repositories, notes };
}
