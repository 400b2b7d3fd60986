import { generateKeyPairSync, sign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildClaims } from './credential.claims.ts';
import { jwsToShc } from './credential.codec.ts';
import { signCompactJws } from './credential.sign.ts';
import { TrustedIssuers } from './credential.trust.ts';
import { decodeQrImage } from './credential.qr.ts';
import { LIMITS, verifyCredential } from './credential.verify.ts';
import { publicJwkOf } from './issuer-keys.ts';

const ISS = 'https://id.city.example';
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = publicJwkOf(privateKey);
const trustedIssuers = new TrustedIssuers([{ iss: ISS, jwks: { keys: [jwk] } }]);
const now = new Date('2026-06-01T12:00:00Z');
const claims = buildClaims(
  { number: 'MPLS-123456-7', name: 'Hodan Cabdi Warsame', dateOfBirth: '1990-05-17', expiresOn: '2030-03-01' },
  { iss: ISS, nbf: Math.floor(now.getTime() / 1000) - 60, exp: Date.UTC(2030, 2, 2, 6) / 1000, rid: 'q3Xh0bV7pS2LwZ9e' },
);

/** Signs arbitrary payload bytes (already deflated) under a header of our choosing. */
function signRaw(header: object, payload: Buffer): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const input = `${h}.${payload.toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

describe('verifyCredential', () => {
  it('a good card: valid with its four facts', async () => {
    const jws = signCompactJws(claims, { kid: jwk.kid, privateKey });
    const r = await verifyCredential(jwsToShc(jws), { trustedIssuers, now });
    expect(r).toEqual({ status: 'valid', reason: 'ok', card: { number: 'MPLS-123456-7', name: 'Hodan Cabdi Warsame', dateOfBirth: '1990-05-17', expiresOn: '2030-03-01' }, issuer: ISS, kid: jwk.kid });
  });

  it('a DEFLATE bomb stops at the size limit, before any JSON is parsed', async () => {
    // 10 MB of spaces deflates to about 10 KB: a JWS within the framing-only size limit that would inflate
    // 160 times past the payload limit.
    const bomb = deflateRawSync(Buffer.alloc(10 * 1024 * 1024, 0x20), { level: 9 });
    const jws = signRaw({ alg: 'ES256', zip: 'DEF', kid: jwk.kid }, bomb);
    expect(jws.length).toBeLessThan(LIMITS['framing-only'].jwsChars);
    const started = performance.now();
    const r = await verifyCredential({ jws }, { trustedIssuers, now, profile: 'framing-only' });
    expect(r).toEqual({ status: 'invalid', reason: 'payload_too_large' });
    expect(performance.now() - started).toBeLessThan(500);
    // Within the municipal-id limits too: a 512 KB bomb in a QR-sized JWS.
    const small = signRaw({ alg: 'ES256', zip: 'DEF', kid: jwk.kid }, deflateRawSync(Buffer.alloc(512 * 1024, 0x20), { level: 9 }));
    expect(small.length).toBeLessThan(LIMITS['municipal-id'].jwsChars);
    expect(await verifyCredential(jwsToShc(small), { trustedIssuers, now })).toEqual({ status: 'invalid', reason: 'payload_too_large' });
  });

  it('refuses other algorithms, compressions, crit headers, and DER or short signatures', async () => {
    const payload = deflateRawSync(Buffer.from(JSON.stringify(claims)));
    expect((await verifyCredential({ jws: signRaw({ alg: 'none', zip: 'DEF', kid: jwk.kid }, payload) }, { trustedIssuers, now })).reason).toBe('alg_unsupported');
    expect((await verifyCredential({ jws: signRaw({ alg: 'ES256', zip: 'GZIP', kid: jwk.kid }, payload) }, { trustedIssuers, now })).reason).toBe('zip_unsupported');
    expect((await verifyCredential({ jws: signRaw({ alg: 'ES256', zip: 'DEF', kid: jwk.kid, crit: ['x'], x: 1 }, payload) }, { trustedIssuers, now })).reason).toBe('header_invalid');
    const good = signRaw({ alg: 'ES256', zip: 'DEF', kid: jwk.kid }, payload);
    const [h, p] = good.split('.');
    const der = sign('sha256', Buffer.from(`${h}.${p}`), { key: privateKey, dsaEncoding: 'der' }).toString('base64url');
    expect((await verifyCredential({ jws: `${h}.${p}.${der}` }, { trustedIssuers, now })).reason).toBe('signature_malformed');
    expect((await verifyCredential({ jws: `${h}.${p}.${'A'.repeat(86)}` }, { trustedIssuers, now })).reason).toBe('signature_invalid');
    expect((await verifyCredential({ jws: `${h}.${p}` }, { trustedIssuers, now })).reason).toBe('jws_malformed');
    expect((await verifyCredential({ jws: `${h}.${p}.x.y` }, { trustedIssuers, now })).reason).toBe('jws_malformed');
    expect((await verifyCredential({ jws: `${h}.${p}+.${der}` }, { trustedIssuers, now })).reason).toBe('jws_malformed');
    expect((await verifyCredential(`\uFEFF${good}`, { trustedIssuers, now })).reason).toBe('input_bom');
    expect((await verifyCredential('hello', { trustedIssuers, now })).reason).toBe('input_unrecognized');
    expect((await verifyCredential('', { trustedIssuers, now })).reason).toBe('input_empty');
    expect((await verifyCredential('x'.repeat(5000), { trustedIssuers, now })).reason).toBe('input_too_long');
  });

  it('payload content rules of the municipal-id profile', async () => {
    const sub = (patch: Record<string, unknown>) =>
      verifyCredential(
        { jws: signCompactJws({ ...claims, vc: { ...claims.vc, credentialSubject: { ...claims.vc.credentialSubject, ...patch } } }, { kid: jwk.kid, privateKey }) },
        { trustedIssuers, now },
      );
    expect((await sub({ dateOfBirth: '1990-02-30' })).reason).toBe('subject_invalid');
    expect((await sub({ name: '' })).reason).toBe('subject_invalid');
    expect((await sub({ extra: 'address' })).status).toBe('valid');
    const noRid = signCompactJws({ ...claims, vc: { type: claims.vc.type, credentialSubject: claims.vc.credentialSubject } }, { kid: jwk.kid, privateKey });
    expect((await verifyCredential({ jws: noRid }, { trustedIssuers, now })).reason).toBe('rid_missing');
    const badRid = signCompactJws({ ...claims, vc: { ...claims.vc, rid: 'not a rid!' } }, { kid: jwk.kid, privateKey });
    expect((await verifyCredential({ jws: badRid }, { trustedIssuers, now })).reason).toBe('rid_invalid');
    const otherType = signCompactJws({ ...claims, vc: { ...claims.vc, type: ['https://smarthealth.cards#health-card'] } }, { kid: jwk.kid, privateKey });
    expect((await verifyCredential({ jws: otherType }, { trustedIssuers, now })).reason).toBe('type_mismatch');
    const msNbf = signCompactJws({ ...claims, nbf: claims.nbf * 1000 }, { kid: jwk.kid, privateKey });
    expect((await verifyCredential({ jws: msNbf }, { trustedIssuers, now })).reason).toBe('nbf_invalid');
  });
});

describe('decodeQrImage', () => {
  /** A PNG whose IDAT is a DEFLATE bomb, interlaced or not. */
  function bombPng(interlace: number): Buffer {
    const chunk = (type: string, data: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(100, 0);
    ihdr.writeUInt32BE(100, 4);
    ihdr[8] = 8;
    ihdr[9] = 6;
    ihdr[12] = interlace;
    const idat = deflateRawSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
  }

  it('refuses decompression bombs in PNGs quickly, interlaced or not, without a crash', () => {
    for (const interlace of [0, 1]) {
      const started = performance.now();
      const r = decodeQrImage(bombPng(interlace));
      expect(r.ok).toBe(false);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});
