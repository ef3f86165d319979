// An install (or repositories added to one) queues the installation's scan; an uninstall drops
// everything kept of it: nothing more may be done for it.
import type { Context } from 'probot';
import type { HandlerServices } from './services.js';

export const onInstallationCreated =
  (services: HandlerServices) => async (context: Context<'installation.created'>) => {
    await services.scan(
      context.payload.installation.id,
      context.payload.repositories?.map((repository) => repository.full_name),
    );
  };

export const onRepositoriesAdded =
  (services: HandlerServices) => async (context: Context<'installation_repositories.added'>) => {
    await services.scan(
      context.payload.installation.id,
      context.payload.repositories_added.map((repository) => repository.full_name),
    );
  };

export const onInstallationDeleted =
  (services: HandlerServices) => async (context: Context<'installation.deleted'>) => {
    const installationId = context.payload.installation.id;
    context.log.info({ installation: installationId }, 'installation deleted: dropping its queued runs and caches');
    await services.forgetInstallation(installationId);
  };
