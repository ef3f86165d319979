// The pull request's part on signing what the repository builds: each job that pushes an image
// without signing it, whether its steps were written (a commit of their own), are proposed, or
// cannot be written and why, and the steps themselves in a collapsed section. Repository values
// (paths, job names, image names) go in code.
import type { SigningPlan } from '../plan/plan-signing.js';
import { codeBlock, inlineCode, safeMessage } from '../markdown/safe-markdown.js';

export function signingSection(signing: SigningPlan | undefined): string[] {
  const proposals = signing?.proposals ?? [];
  if (proposals.length === 0) return [];
  const lines = [
    '',
    '### Sign what you build',
    `${proposals.length === 1 ? 'A job pushes' : `${proposals.length} jobs push`} a container image without signing it. Signed by the workflow that built it (cosign, keyless: the job's OIDC token, no key to keep), an image can be checked before it runs — by the cluster's signature policy, and by \`images.verify\` before pinwarden writes its digest.`,
    '',
  ];
  for (const proposal of proposals) {
    const where = `${inlineCode(proposal.path)} job ${inlineCode(proposal.push.job)} (line ${proposal.push.line}, ${proposal.push.kind})`;
    const images = proposal.push.images.length > 0 ? ` pushes ${proposal.push.images.map(inlineCode).join(', ')}` : '';
    const outcome =
      proposal.outcome === 'written'
        ? 'signing steps added in a commit of their own'
        : proposal.outcome === 'proposed'
          ? `proposed below; ${safeMessage(proposal.reason ?? '')}`
          : `not written: ${safeMessage(proposal.reason ?? '')}`;
    lines.push(`- ${where}${images}: ${outcome}.`);
  }
  const shown = proposals.filter(
    (proposal) => proposal.push.kind === 'build-push-action' && proposal.push.images.length > 0,
  );
  if (shown.length > 0) {
    lines.push('', '<details><summary>The signing steps</summary>', '');
    for (const proposal of shown)
      lines.push(
        `After the push step of ${inlineCode(proposal.push.job)} in ${inlineCode(proposal.path)}, with \`id-token: write\` in that job's \`permissions:\`${proposal.newStepId ? ` and ${inlineCode(`id: ${proposal.newStepId}`)} on the push step` : ''}:`,
        '',
        codeBlock(proposal.steps.join('\n'), 'yaml'),
        '',
      );
    lines.push('</details>');
  }
  return lines;
}
