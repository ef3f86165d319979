import { describe, expect, it } from 'vitest';
import { canonicalName, isLatest, parseImageRef } from '../../../src/images/image-reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

function parsed(text: string) {
  const result = parseImageRef(text);
  if (!result.ok) throw new Error(result.reason);
  return result.image;
}

describe('parseImageRef', () => {
  it.each([
    ['node', 'docker.io', 'library/node', undefined],
    ['node:20', 'docker.io', 'library/node', '20'],
    ['bitnami/git:latest', 'docker.io', 'bitnami/git', 'latest'],
    ['docker.io/library/redis:8', 'docker.io', 'library/redis', '8'],
    ['index.docker.io/library/redis:8', 'docker.io', 'library/redis', '8'],
    [
      'ghcr.io/actions/test-ubuntu-git:main.20240221.114913.703z',
      'ghcr.io',
      'actions/test-ubuntu-git',
      'main.20240221.114913.703z',
    ],
    ['localhost:5000/team/app:1.2', 'localhost:5000', 'team/app', '1.2'],
    ['localhost/app', 'localhost', 'app', undefined],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io', 'pause', '3.9'],
  ])('%s → %s / %s : %s', (text, registry, repository, tag) => {
    const image = parsed(text);
    expect([image.registry, image.repository, image.tag]).toEqual([registry, repository, tag]);
  });

  it('reads a digest with or without a tag', () => {
    expect(parsed(`node:20@${DIGEST}`)).toMatchObject({ tag: '20', digest: DIGEST, repository: 'library/node' });
    expect(parsed(`quay.io/a/b@${DIGEST}`)).toMatchObject({ tag: undefined, digest: DIGEST, registry: 'quay.io' });
  });

  it.each([
    ['', 'empty'],
    ['${REGISTRY}/app:1', 'variable'],
    ['app:${{ env.TAG }}', 'variable'],
    ['{{ .Values.image }}', 'variable'],
    ['$IMAGE', 'variable'],
    ['Node:20', 'valid image name'],
    ['node:20@sha256:abc', 'sha256 digest'],
    ['node:-bad', 'valid image tag'],
    ['x'.repeat(500), 'longer than'],
  ])('refuses %j (%s)', (text, reason) => {
    const result = parseImageRef(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('names latest when the tag is latest or missing, and nothing else', () => {
    expect(isLatest(parsed('alpine'))).toBe(true);
    expect(isLatest(parsed('alpine:latest'))).toBe(true);
    expect(isLatest(parsed('alpine:3.20'))).toBe(false);
    expect(canonicalName(parsed('alpine'))).toBe('docker.io/library/alpine');
  });
});
