// The App test bench: the demo's refs loaded once, and per test a fake GitHub seeded by the test
// with the real app on loopback in front of it, both stopped after the test.
import { join } from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import type { PinwardenAppOptions } from '../../src/app/pinwarden-app.js';
import { createFakeState } from '../../src/dev/fake-github/fake-state.js';
import type { FakeState } from '../../src/dev/fake-github/fake-state.js';
import { startFakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { startLocalApp } from '../../src/dev/local-run/start-local-app.js';
import type { LocalApp } from '../../src/dev/local-run/start-local-app.js';
import type { RepoRefs } from '../../src/resolve/repo-refs.js';
import { fixturesDir } from './paths.js';

export interface AppBench {
  refs: RepoRefs[];
  state: FakeState;
  fake: FakeGitHub;
  local: LocalApp;
  start(seed: (state: FakeState) => void, options?: PinwardenAppOptions): Promise<void>;
}

export function useAppBench(): AppBench {
  const bench = {
    async start(seed: (state: FakeState) => void, options: PinwardenAppOptions = {}) {
      bench.state = createFakeState(bench.refs);
      seed(bench.state);
      bench.fake = await startFakeGitHub({ state: bench.state });
      bench.local = await startLocalApp(bench.fake, options);
    },
  } as AppBench;
  beforeAll(async () => {
    bench.refs = loadRefsDir(join(fixturesDir, 'demo', 'refs'));
  });
  afterEach(async () => {
    await (bench.local as LocalApp | undefined)?.stop();
    await (bench.fake as FakeGitHub | undefined)?.close();
    (bench as Partial<AppBench>).local = undefined;
    (bench as Partial<AppBench>).fake = undefined;
  });
  return bench;
}
