// docker-compose.yml is the fleet deployment the README points to: two replicas of the image on
// one Redis, each configured for it, probed on /ready, with an init; every image pinned by digest
// as pinwarden's own scan reads it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { locateImages } from '../../src/images/locate-image-file.js';
import { repoRoot } from '../support/paths.js';

it('runs two replicas on one Redis, each ready only with it, every image pinned by digest', () => {
  const text = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
  const compose = parse(text, { merge: true }) as {
    services: Record<
      string,
      {
        build?: string;
        init?: boolean;
        image?: string;
        environment?: Record<string, string>;
        depends_on?: Record<string, unknown>;
        healthcheck?: { test: string[] };
      }
    >;
  };
  const apps = Object.entries(compose.services).filter(([, service]) => service.build === '.');
  expect(apps.map(([name]) => name)).toEqual(['app-1', 'app-2']);
  for (const [, service] of apps) {
    expect(service.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(service.init).toBe(true);
    expect(Object.keys(service.depends_on ?? {})).toEqual(['redis']);
    expect(service.healthcheck?.test.join(' ')).toContain('/ready');
  }
  const located = locateImages(text, 'compose');
  expect(located.ok).toBe(true);
  if (!located.ok) return;
  expect(located.images.length).toBeGreaterThan(0);
  expect(
    located.images
      .filter((image) => image.status !== 'image' || !image.image.digest)
      .map((image) => image.site.written),
  ).toEqual([]);
});
