import { describe, expect, it } from 'vitest';
import { signatureVerdict } from '../../../src/images/signatures.js';
import type { SignatureFacts } from '../../../src/images/signatures.js';
import { validateConfig } from '../../../src/config/pinwarden-config.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const app = { registry: 'ghcr.io', repository: 'acme/app' };
const rule = {
  image: 'ghcr.io/acme/*',
  identity: 'https://github\\.com/acme/[^/]+/\\.github/workflows/release\\.yml@refs/tags/v.*',
  issuer: ISSUER,
};
const signed = (identity: string, issuer: string | undefined = ISSUER): SignatureFacts => ({
  status: 'signed',
  signers: [{ identity, issuer }],
  problems: [],
  legacy: false,
});

describe('signatureVerdict', () => {
  it('has nothing to say of an image no rule names', () => {
    expect(signatureVerdict({ registry: 'docker.io', repository: 'library/nginx' }, undefined, [rule])).toBeUndefined();
  });

  it('accepts a signer whose identity matches the whole pattern and whose issuer is the rule’s', () => {
    const identity = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.0';
    expect(signatureVerdict(app, signed(identity), [rule])).toEqual({ ok: true, signer: { identity, issuer: ISSUER } });
  });

  it('matches the identity whole: a prefix or a longer identity is not a match', () => {
    const prefix = { ...rule, identity: 'https://github\\.com/acme/' };
    expect(
      signatureVerdict(app, signed('https://github.com/acme/app/.github/workflows/x.yml@refs/heads/main'), [prefix]),
    ).toMatchObject({ ok: false });
    const evil =
      'https://github.com/evil/x/.github/workflows/release.yml@refs/tags/v1?https://github.com/acme/a/.github/workflows/release.yml@refs/tags/v1';
    expect(signatureVerdict(app, signed(evil), [rule])).toMatchObject({ ok: false });
  });

  it('refuses another issuer, no signature, an unchecked one, and says which', () => {
    const identity = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.0';
    expect(signatureVerdict(app, signed(identity, 'https://accounts.google.com'), [rule])).toMatchObject({
      ok: false,
      reason: expect.stringContaining('issuer `https://accounts.google.com`'),
    });
    expect(signatureVerdict(app, { status: 'not-signed' }, [rule])).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no Sigstore signature'),
    });
    expect(signatureVerdict(app, { status: 'not-checked', reason: 'ghcr.io answered 500' }, [rule])).toMatchObject({
      ok: false,
      reason: expect.stringContaining('ghcr.io answered 500'),
    });
  });

  it('needs every rule that names the image', () => {
    const identity = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.0';
    const second = {
      image: 'ghcr.io/acme/app',
      identity: 'https://github\\.com/acme/app/.*@refs/heads/main',
      issuer: ISSUER,
    };
    expect(signatureVerdict(app, signed(identity), [rule, second])).toMatchObject({ ok: false, rule: second });
  });
});

describe('images.verify in the config', () => {
  it('takes RE2 patterns and refuses what RE2 does not compile, with the key named', () => {
    const ok = validateConfig({ images: { verify: [rule] } });
    expect(ok.ok).toBe(true);
    // Backreferences are not RE2: a pattern cosign and Kyverno would refuse is refused here.
    const bad = validateConfig({ images: { verify: [{ ...rule, identity: '(a)\\1' }] } });
    expect(bad).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^images\.verify\.0\.identity: not a regular expression/)],
    });
    expect(validateConfig({ images: { verify: [{ ...rule, issuer: 'not a url' }] } }).ok).toBe(false);
  });

  it('matches a pattern that backtracks catastrophically in JavaScript in linear time', () => {
    const nested = { ...rule, identity: '(a+)+b' };
    expect(signatureVerdict(app, signed('a'.repeat(5000) + 'c'), [nested])).toMatchObject({ ok: false });
    // A backtracking engine would not finish this in the test's timeout; RE2's matching is linear.
  });
});

describe('images.verify globs', () => {
  it('share one budget per config: hostile globs refuse images instead of stalling the App', () => {
    const hostile = Array.from({ length: 50 }, (_, n) => ({
      image: `ghcr.io/acme/${'*a'.repeat(140)}b${n}`,
      identity: '.*',
      issuer: ISSUER,
    }));
    const image = { registry: 'ghcr.io', repository: `acme/${'a'.repeat(250)}` };
    const verdicts = Array.from({ length: 200 }, () => signatureVerdict(image, signed('x'), hostile));
    // Early images are judged (no rule names them); once the budget is spent, images are refused.
    expect(verdicts[0]).toBeUndefined();
    expect(verdicts.at(-1)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('spent their matching budget'),
    });
  });
});
