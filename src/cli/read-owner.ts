// An organisation's repositories, read through GitHub's API for `pinwarden inventory --owner`: the
// workflow and action files with the App's batched query (ten repositories a query), the image
// files with a tree listing each, and each file located as `pin` and `audit` locate a local one.
import type { GitHubClient } from '../github/github-client.js';
import { ownerRepositories } from '../github/installation-repositories.js';
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
  for (const repository of wanted) {
    const fullName = `${repository.owner}/${repository.name}`;
    const read = reads.get(repositoryKey(repository));
    if (!read) {
      notes.push(`${fullName}: not read (gone, or the token cannot read it)`);
      continue;
    }
    if (read.status === 'skipped') continue;
    const images = await readImageFiles(github, repository, read.headSha, () => false);
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
