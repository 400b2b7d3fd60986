/**
 * The SMART Health Cards test vectors (`test/fixtures/shc-vectors/`, sources in its README) against our
 * verifier, with the spec's example issuer trusted.
 *
 * - positive: every example verifies (framing-only profile: the examples are FHIR health cards, so the
 *   municipal-ID content rules do not apply to them).
 * - negative: every file is listed below — with the specific reason it must be rejected with, or as accepted
 *   with why, or as skipped with why (FHIR content rules, X.509 chains, support files). A file added to the
 *   folder without an entry here fails the test, so nothing is silently ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPayload, verifyCredential } from '../../src/modules/municipal-id/credential/credential.verify.ts';
import { TrustedIssuers, parseJwks } from '../../src/modules/municipal-id/credential/credential.trust.ts';
import { decodeQrImage, qrImageProblem } from '../../src/modules/municipal-id/credential/credential.qr.ts';
import type { ReasonCode } from '../../src/modules/municipal-id/credential/credential.reasons.ts';

const ROOT = path.resolve('test/fixtures/shc-vectors');
const NEG = path.join(ROOT, 'negative');
const EXAMPLE_ISS = 'https://spec.smarthealth.cards/examples/issuer';
const read = (p: string) => fs.readFileSync(p, 'utf8');
const json = (p: string): unknown => JSON.parse(read(p));

const exampleJwks = json(path.join(ROOT, 'example-issuer/.well-known/jwks.json'));
const exampleCrl = json(path.join(ROOT, 'example-issuer/.well-known/crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json'));
const exampleTrust = new TrustedIssuers([{ iss: EXAMPLE_ISS, jwks: exampleJwks }]);
const framing = { trustedIssuers: exampleTrust, profile: 'framing-only' as const, crlFetcher: () => exampleCrl };

/** An image → the reason it is refused for, or the verification of the QR code it holds. */
async function verifyImages(files: string[]): Promise<{ status: string; reason: ReasonCode }> {
  const texts: string[] = [];
  for (const f of files) {
    const decoded = decodeQrImage(fs.readFileSync(path.join(NEG, f)));
    if (!decoded.ok) return { status: 'invalid', reason: decoded.reason };
    const problem = qrImageProblem(decoded.qr);
    // A chunked code's byte segment is `shc:/i/n/`; its segment layout is the same two segments.
    if (problem) return { status: 'invalid', reason: problem };
    texts.push(decoded.qr.text);
  }
  return verifyCredential({ qr: texts }, framing);
}

type Expect = { reason: ReasonCode; status?: 'invalid' | 'valid' | 'expired' | 'revoked'; why?: string };
interface Case {
  files: string[];
  run(): Promise<{ status: string; reason: string }>;
  expected: Expect;
}

const cases: Case[] = [];
const accounted = new Set<string>();
/** Files that are not vectors of their own, or whose rule does not apply to a municipal ID, with the reason. */
const skipped = new Map<string, string>();

function jwsCase(file: string, reason: ReasonCode, options: { profile?: 'municipal-id' | 'framing-only'; why?: string } = {}): void {
  accounted.add(file);
  cases.push({
    files: [file],
    run: () => verifyCredential(read(path.join(NEG, file)), { ...framing, profile: options.profile ?? 'framing-only' }),
    expected: { reason, ...(options.why ? { why: options.why } : {}) },
  });
}

function fileCase(file: string, reason: ReasonCode, why?: string): void {
  accounted.add(file);
  cases.push({ files: [file], run: () => verifyCredential({ file: read(path.join(NEG, file)) }, framing), expected: { reason, ...(why ? { why } : {}) } });
}

function skip(files: string[], why: string): void {
  for (const f of files) {
    accounted.add(f);
    skipped.set(f, why);
  }
}

// --- compact JWS (.txt) ---
jwsCase('test-example-00-d-jws-der-signature.txt', 'signature_malformed', { why: 'DER signature (70 bytes) instead of r‖s' });
jwsCase('test-example-00-d-jws-der-signature-r-neg.txt', 'signature_malformed');
jwsCase('test-example-00-d-jws-der-signature-s-neg.txt', 'signature_malformed');
jwsCase('test-example-00-d-jws-der-signature-rs-neg.txt', 'signature_malformed');
jwsCase('test-example-00-d-jws-invalid-signature.txt', 'signature_invalid');
jwsCase('test-example-00-d-jws-issuer-kid-mismatch.txt', 'kid_unknown', { why: "kid of another issuer's key, not in the example JWKS" });
jwsCase('test-example-00-d-jws-issuer-not-valid-with-smart-key.txt', 'issuer_not_trusted', { why: 'signed with the example key but iss is another URL' });
jwsCase('test-example-00-d-jws-jws_too_long.txt', 'jws_too_long', { profile: 'municipal-id', why: '1,258 characters: more than one version-22 QR holds (1,195)' });
jwsCase('test-example-00-d-jws-no_deflate.txt', 'zip_missing');
jwsCase('test-example-00-d-jws-no_jws_header_alg.txt', 'alg_missing');
jwsCase('test-example-00-d-jws-no_jws_header_kid.txt', 'kid_missing');
jwsCase('test-example-00-d-jws-no_jws_header_zip.txt', 'zip_missing');
jwsCase('test-example-00-d-jws-trailing_chars.txt', 'input_whitespace');
jwsCase('test-example-00-d-jws-utf8_bom_prefix.txt', 'payload_bom', { why: 'the BOM is inside the signed payload' });
jwsCase('test-example-00-d-jws-wrong_jws_header_kid.txt', 'kid_unknown');
skip(['test-example-00-d-jws-bad-fhir-metadata.txt'], 'FHIR content rule (meta in a FHIR resource); its framing and signature are valid');

// --- numeric QR text (.txt) ---
jwsCase('test-example-00-f-qr-code-numeric-value-0-index-out-of-range.txt', 'qr_chunk_invalid', { why: 'shc:/3/2/ — chunk 3 of 2' });
jwsCase('test-example-00-f-qr-code-numeric-value-0-number-too-big.txt', 'qr_value_out_of_range');
jwsCase('test-example-00-f-qr-code-numeric-value-0-odd-count.txt', 'qr_odd_length');
jwsCase('test-example-00-f-qr-code-numeric-value-0-trailing_chars.txt', 'input_whitespace');
jwsCase('test-example-00-f-qr-code-numeric-value-0-wrong-multi-chunk.txt', 'qr_chunk_invalid', { why: 'shc:/1/1/ — a "set" of one chunk' });
jwsCase('test-example-00-f-qr-code-numeric-value-0-wrong_qr_header.txt', 'qr_prefix');
jwsCase('test-example-00-f-qr-code-numeric-value-0-qr_chunk_too_small.txt', 'qr_chunked', { profile: 'municipal-id', why: 'our cards are one QR code' });

// A chunked set split into more pieces than needed: each piece alone is incomplete; the whole set is "too small".
const tooSmall = Array.from({ length: 17 }, (_, i) => `test-example-00-f-qr-code-numeric-value-${i}-qr_chunk_too_small.txt`);
for (const f of tooSmall) accounted.add(f);
cases.push({
  files: ['…-numeric-value-1-qr_chunk_too_small.txt alone'],
  run: () => verifyCredential(read(path.join(NEG, tooSmall[1] ?? '')), framing),
  expected: { reason: 'qr_chunk_missing' },
});
cases.push({
  files: ['test-example-00-f-qr-code-numeric-value-{0..16}-qr_chunk_too_small.txt (the set)'],
  run: () => verifyCredential({ qr: tooSmall.map((f) => read(path.join(NEG, f))) }, framing),
  expected: { reason: 'qr_chunk_too_small', why: '17 chunks for a JWS that fits in one' },
});
const tooBig = ['test-example-02-f-qr-code-numeric-value-0-qr_chunk_too_big.txt', 'test-example-02-f-qr-code-numeric-value-1-qr_chunk_too_big.txt'];
for (const f of tooBig) accounted.add(f);
cases.push({
  files: ['test-example-02-f-qr-code-numeric-value-{0,1}-qr_chunk_too_big.txt (the set)'],
  run: () => verifyCredential({ qr: tooBig.map((f) => read(path.join(NEG, f))) }, framing),
  expected: { reason: 'qr_chunk_too_big', why: 'chunks of 1,634 JWS characters (at most 1,191)' },
});
accounted.add('test-example-1195-byte-qrnumeric.txt');
cases.push({
  files: ['test-example-1195-byte-qrnumeric.txt'],
  run: () => verifyCredential(read(path.join(NEG, 'test-example-1195-byte-qrnumeric.txt')), framing),
  expected: { status: 'valid', reason: 'ok', why: 'size boundary: its 1,194-character JWS fits one version-22 QR at level L (at most 1,195), so it is accepted' },
});

// --- .smart-health-card files ---
fileCase('test-example-00-e-file-invalid_deflate.smart-health-card', 'payload_inflate_failed');
fileCase('test-example-00-e-file-no_deflate.smart-health-card', 'zip_missing');
fileCase('test-example-00-e-file-invalid_issuer_url.smart-health-card', 'issuer_not_trusted');
fileCase('test-example-00-e-file-invalid_issuer_url_http.smart-health-card', 'issuer_not_https');
fileCase('test-example-00-e-file-issuer_url_with_trailing_slash.smart-health-card', 'issuer_trailing_slash');
fileCase('test-example-00-e-file-jws_too_long.smart-health-card', 'issuer_not_trusted', 'its iss is not the example issuer (the length rule is checked on the .txt twin above)');
fileCase('test-example-00-e-file-multi-jws.smart-health-card', 'file_multiple', 'one card at a time');
fileCase('test-example-00-e-file-multi-jws-issues.smart-health-card', 'input_whitespace', 'trailing spaces after the JSON (and two JWS)');
fileCase('test-example-00-e-file-trailing_chars.smart-health-card', 'input_whitespace');
accounted.add('test-example-00-e-file-bad_jwks.smart-health-card');
accounted.add('badjwks/.well-known/jwks.json');
cases.push({
  files: ['test-example-00-e-file-bad_jwks.smart-health-card + badjwks/.well-known/jwks.json'],
  run: async () => {
    const text = read(path.join(NEG, 'badjwks/.well-known/jwks.json'));
    let doc: unknown = null;
    try {
      doc = JSON.parse(text);
    } catch {
      doc = null;
    }
    const file = read(path.join(NEG, 'test-example-00-e-file-bad_jwks.smart-health-card'));
    const iss = 'https://raw.githubusercontent.com/microsoft/health-cards-validation-SDK/main/testdata/badjwks';
    return verifyCredential({ file }, { trustedIssuers: new TrustedIssuers([{ iss, jwks: doc }]), profile: 'framing-only' });
  },
  expected: { reason: 'kid_unknown', why: "the issuer's JWKS is not a key set, so it has no key" },
});
skip(['test-example-00-e-file.wrong-extension'], 'a file-name rule (.smart-health-card extension); we check content, and its content is the valid example');

// --- QR images ---
const imageCases: Array<[string[], Expect]> = [
  [['test-example-00-g-qr-code-0-bad_qr_version.png'], { reason: 'qr_version_too_high', why: 'version 24' }],
  [['test-example-00-g-qr-code-0-corrupted.png'], { reason: 'image_no_qr' }],
  [['test-example-00-g-qr-code-0-single_qr_segment.png'], { reason: 'qr_segments', why: 'one byte segment, no numeric segment' }],
  [['test-example-00-g-qr-code-0-too_many_qr_segment.png'], { reason: 'qr_segments', why: 'an extra byte segment after the digits' }],
  [['test-example-00-g-qr-code-0-qr_chunk_too_small.png'], { reason: 'qr_chunk_missing' }],
  [['test-example-00-g-qr-code-0-qr_chunk_too_small.png', 'test-example-00-g-qr-code-1-qr_chunk_too_small.png'], { reason: 'qr_chunk_too_small', why: 'two QR codes for 772 characters' }],
  [['test-example-00-g-qr-code-0-scaled-23.jpg'], { reason: 'image_no_qr', why: 'scaled to 23%: too small to read' }],
  [['test-example-00-g-qr-code-0-scaled-85.jpg'], { reason: 'image_no_qr', why: 'jsQR does not find the code in this JPEG (the validator only warns on it)' }],
  [['test-example-00-g-qr-code-inflated-to-v22.png'], { status: 'valid', reason: 'ok', why: 'version 22 is the limit, not beyond it: accepted (the validator only warns that a smaller version would do)' }],
  [['test-invalid-jws-payload.png'], { reason: 'payload_invalid', why: 'its payload inflates to a JSON string (JSON encoded twice), not an object' }],
];
for (const [files, expected] of imageCases) {
  for (const f of files) accounted.add(f);
  cases.push({ files, run: () => verifyImages(files), expected });
}

// --- bad revocation lists: each issuer folder has its JWKS, its CRL and a card ---
const badCrl: Array<[string, ReasonCode]> = [
  // The card has no rid, but its key announces a CRL: the list is still checked, and this one lists a rid twice.
  ['duplicate-rid', 'crl_invalid'],
  ['invalid-method', 'crl_invalid'],
  ['non-base64url-rid', 'crl_invalid'],
  ['too-long-rid', 'crl_invalid'],
  ['version-mismatch', 'crl_version_mismatch'],
];
for (const [name, reason] of badCrl) {
  const dir = path.join(NEG, 'badcrl', name);
  const crlFile = fs.readdirSync(path.join(dir, '.well-known/crl'))[0] ?? '';
  for (const f of [`badcrl/${name}/.well-known/jwks.json`, `badcrl/${name}/.well-known/crl/${crlFile}`, `badcrl/${name}/jws-crl-${name}.txt`]) accounted.add(f);
  cases.push({
    files: [`badcrl/${name}/`],
    run: () =>
      verifyCredential(read(path.join(dir, `jws-crl-${name}.txt`)), {
        trustedIssuers: new TrustedIssuers([{ iss: `https://raw.githubusercontent.com/smart-on-fhir/health-cards-dev-tools/main/testdata/badcrl/${name}`, jwks: json(path.join(dir, '.well-known/jwks.json')) }]),
        crlFetcher: () => json(path.join(dir, '.well-known/crl', crlFile)),
        profile: 'framing-only',
      }),
    expected: { reason },
  });
}
skip(['badcrl/public.json', 'badcrl/private.json', 'badcrl/info.md', 'badcrl/.well-known/jwks.json'], 'support files of the bad-CRL folders (the shared key and its notes)');

// --- unsigned payloads (b-*.json): the payload rules alone ---
const NOW = Date.UTC(2026, 0, 1) / 1000;
const payloadCases: Array<[string, ReasonCode]> = [
  ['test-example-00-b-jws-payload-expanded-nbf_milliseconds.json', 'nbf_invalid'],
  ['test-example-00-b-jws-payload-expanded-exp_milliseconds.json', 'exp_invalid'],
  ['test-example-00-b-jws-payload-expanded-nbf_not_yet_valid.json', 'not_yet_valid'],
  ['test-example-00-b-jws-payload-expanded-pre-expired.json', 'exp_before_nbf'],
  ['test-example-00-b-jws-payload-expanded-expired.json', 'expired'],
];
for (const [file, reason] of payloadCases) {
  accounted.add(file);
  cases.push({
    files: [file],
    run: async () => {
      const r = checkPayload(json(path.join(NEG, file)) as Record<string, unknown>, { now: NOW, profile: 'framing-only' });
      if (!r.ok) return { status: 'invalid', reason: r.reason };
      return r.expired ? { status: 'expired', reason: 'expired' } : { status: 'valid', reason: 'ok' };
    },
    expected: { reason, status: reason === 'expired' ? 'expired' : 'invalid' },
  });
}
skip(
  [
    'test-example-00-b-jws-payload-expanded-missing-coding.json',
    'test-example-00-b-jws-payload-expanded-missing-covid-vc-type.json',
    'test-example-00-b-jws-payload-expanded-missing-imm-vc-type.json',
    'test-example-00-b-jws-payload-expanded-missing-shc-vc-type.json',
    'test-example-00-b-jws-payload-expanded-optional-vc-type.json',
    'test-example-00-b-jws-payload-expanded-unknown-vc-types.json',
    'test-example-covid-lab-jwspayload-missing-lab-vc-type.json',
  ],
  'health-card vc.type and FHIR coding rules; a municipal ID has its own type, checked by the municipal-id profile',
);
skip(['test-example-00-b-jws-payload-expanded-trailing_chars.json'], 'whitespace after a JSON document on disk; a payload comes out of DEFLATE, not from a file');

// --- key sets ---
const keyCases: Array<[string, string]> = [
  ['wrong_alg_key.json', 'key_alg'],
  ['wrong_curve_key.json', 'key_curve'],
  ['wrong_kid_key.json', 'key_kid_mismatch'],
  ['wrong_kty_key.json', 'key_type'],
  ['wrong_use_key.json', 'key_use'],
  ['private_key.json', 'key_private'],
];
const acceptedKeySets = ['valid_key.json', 'valid_keys.json', 'valid_key_with_x5c.json', 'issuer.jwks.public.not.smart.json'];
for (const f of [...keyCases.map(([f]) => f), ...acceptedKeySets]) accounted.add(f);
skip(
  ['cert_mismatch.public.json', 'invalid_chain.public.json', 'invalid_no_SAN.public.json', 'invalid_DNS_SAN.public.json', 'valid_2_chain.public.json'],
  'X.509 chain (x5c) rules: we never use x5c — an issuer is trusted by its configured URL and JWKS',
);

// --- FHIR bundles and other content-only files ---
for (const f of fs.readdirSync(NEG)) {
  if (/^test-example-00-a-|fhirhealthcard/.test(f)) skip([f], 'FHIR Bundle content rules; they do not apply to an ID card (content validation is the pluggable profile)');
}
skip(['README.md', 'test-issuers.json'], 'support files (notes; the validator’s directory of participating issuers)');

function allFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? allFiles(path.join(dir, d.name), `${prefix}${d.name}/`) : d.name === '.gitkeep' ? [] : [`${prefix}${d.name}`],
  );
}

describe('SMART Health Cards vectors', () => {
  describe('positive: verify with the example issuer trusted', () => {
    const positive = ['example-00-d-jws.txt', 'example-03-d-jws.txt', 'example-00-e-file.smart-health-card', 'example-03-e-file.smart-health-card', 'example-00-f-qr-code-numeric-value-0.txt'];
    for (const f of positive) {
      it(f, async () => {
        const r = await verifyCredential(read(path.join(ROOT, 'positive', f)), framing);
        expect(r).toMatchObject({ status: 'valid', reason: 'ok', issuer: EXAMPLE_ISS, kid: '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s' });
      });
    }
    it('example-03 carries a rid revoked only before its nbf (rid.timestamp semantics): still valid', async () => {
      const r = await verifyCredential(read(path.join(ROOT, 'positive/example-03-d-jws.txt')), framing);
      expect(r.status).toBe('valid');
      // The same card checked against a CRL that revokes its rid outright is revoked.
      const revoking = { ...(exampleCrl as Record<string, unknown>), rids: ['vwAjHdarZuc'] };
      const again = await verifyCredential(read(path.join(ROOT, 'positive/example-03-d-jws.txt')), { ...framing, crlFetcher: () => revoking });
      expect(again.status).toBe('revoked');
    });
    it('the municipal-id profile refuses the FHIR examples for their content (type), not their framing', async () => {
      const r = await verifyCredential(read(path.join(ROOT, 'positive/example-00-d-jws.txt')), { ...framing, profile: 'municipal-id' });
      expect(r).toEqual({ status: 'invalid', reason: 'exp_missing' });
    });
    it('without the CRL of a key that has one, the answer is crl_unavailable, not valid', async () => {
      const r = await verifyCredential(read(path.join(ROOT, 'positive/example-00-d-jws.txt')), { ...framing, crlFetcher: () => null });
      expect(r).toEqual({ status: 'invalid', reason: 'crl_unavailable' });
    });
  });

  describe('negative: rejected with a specific reason', () => {
    for (const c of cases) {
      const label = `${c.files.join(' + ')} → ${c.expected.status ?? 'invalid'} ${c.expected.reason}${c.expected.why ? ` (${c.expected.why})` : ''}`;
      it(label, async () => {
        const r = await c.run();
        expect({ status: r.status, reason: r.reason }).toEqual({ status: c.expected.status ?? 'invalid', reason: c.expected.reason });
      });
    }
  });

  describe('key sets', () => {
    for (const [file, problem] of keyCases) {
      it(`${file} → refused: ${problem}`, () => {
        const parsed = parseJwks(json(path.join(NEG, file)));
        expect(parsed?.keys.size).toBe(0);
        expect([...(parsed?.refused.values() ?? [])]).toEqual([problem]);
      });
    }
    for (const file of acceptedKeySets) {
      it(`${file} → accepted (x5c, if any, is ignored)`, () => {
        const parsed = parseJwks(json(path.join(NEG, file)));
        expect(parsed?.refused.size).toBe(0);
        expect(parsed?.keys.size).toBeGreaterThan(0);
      });
    }
    it('badjwks/.well-known/jwks.json is not JSON at all', () => {
      expect(() => {
        JSON.parse(read(path.join(NEG, 'badjwks/.well-known/jwks.json')));
      }).toThrow();
      expect(parseJwks({ keys: 'nope' })).toBeNull();
    });
  });

  it('every file in negative/ is either a case above or skipped with a reason', () => {
    const unaccounted = allFiles(NEG).filter((f) => !accounted.has(f));
    expect(unaccounted).toEqual([]);
    // The skip list, printed for the report.
    for (const [file, why] of skipped) expect(why.length, file).toBeGreaterThan(10);
  });
});
