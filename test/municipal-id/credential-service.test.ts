/**
 * The credential end to end on both databases: issue a card's credential, render its QR code, read it back
 * with a real QR decoder from the rendered PNG, verify it through the API and the page, revoke it, rotate keys,
 * and check what is published (JWKS, CRLs) and what is stored (no card data).
 */
import fs from 'node:fs';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { jwsToShc } from '../../src/modules/municipal-id/credential/credential.codec.ts';
import { credentialQrPng, credentialQrSvg } from '../../src/modules/municipal-id/credential/credential.qr.ts';
import { signCompactJws } from '../../src/modules/municipal-id/credential/credential.sign.ts';
import {
  type CardForCredential,
  issueCredential,
  issuerKeyStatus,
  publishedJwks,
  retireIssuerKeys,
  revokeCard,
  rotateIssuerKey,
} from '../../src/modules/municipal-id/credential/credential.service.ts';
import { TrustedIssuers } from '../../src/modules/municipal-id/credential/credential.trust.ts';
import { verifyCredential } from '../../src/modules/municipal-id/credential/credential.verify.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';

const decode = ((jsQR as unknown as { default?: unknown }).default ?? jsQR) as unknown as typeof jsQR.default;

let clock = new Date('2026-03-02T15:00:00Z');
const now = () => clock;

let seq = 0;
function card(overrides: Partial<CardForCredential> = {}): CardForCredential {
  seq += 1;
  return { id: `card-${seq}-${Math.random().toString(36).slice(2)}`, number: `MPLS-${String(100000 + seq)}-7`, name: 'Hodan Cabdi Warsame', dateOfBirth: '1990-05-17', expiresOn: '2030-03-01', ...overrides };
}

function qrFromPng(png: Buffer): string {
  const img = PNG.sync.read(png);
  const found = decode(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height);
  if (!found) throw new Error('no QR code found in the rendered PNG');
  expect(found.chunks.map((c) => String(c.type))).toEqual(['byte', 'numeric']);
  return found.data;
}

async function apiVerify(t: TestApp, body: unknown) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/verify', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return { status: res.statusCode, json: res.json<{ status: string; reason: string; message: string; card?: Record<string, string> }>() };
}

describeEachDialect('municipal ID credential', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { now, env: { BASE_URL: 'https://id.city.example' } });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => {
    clock = new Date('2026-03-02T15:00:00Z');
  });

  const issue = (c: CardForCredential) => inTransaction(t.ctx.db, (tx) => issueCredential(t.ctx, tx, c));

  it('issues a minimal credential that round-trips through a real QR decoder and verifies', async () => {
    const c = card({ name: 'Nguyễn Thị Minh Khai' });
    const issued = await issue(c);
    expect(issued.qrText).toBe(jwsToShc(issued.jws));
    expect(issued.qrVersion).toBeLessThanOrEqual(22);
    expect(issued.rid).toMatch(/^[A-Za-z0-9_-]{16}$/);
    // Header and payload: ES256 + DEF + kid; no address, no photo — exactly the four facts.
    const [h, p] = issued.jws.split('.');
    expect(JSON.parse(Buffer.from(h ?? '', 'base64url').toString())).toEqual({ alg: 'ES256', zip: 'DEF', kid: issued.kid });
    const { inflateRawSync } = await import('node:zlib');
    const claims = JSON.parse(inflateRawSync(Buffer.from(p ?? '', 'base64url')).toString()) as Record<string, unknown> & { vc: { credentialSubject: Record<string, string> } };
    expect(Object.keys(claims).sort()).toEqual(['exp', 'iss', 'nbf', 'vc']);
    expect(claims.iss).toBe('https://id.city.example');
    expect(Object.keys(claims.vc.credentialSubject).sort()).toEqual(['cardNumber', 'dateOfBirth', 'expiresOn', 'name']);
    // exp: the first second after 2030-03-01 ends in Minneapolis (UTC−6 in March before DST).
    expect(claims.exp).toBe(Date.UTC(2030, 2, 2, 6, 0, 0) / 1000);

    const text = qrFromPng(await credentialQrPng(issued.jws));
    expect(text).toBe(issued.qrText);
    const svg = await credentialQrSvg(issued.jws);
    expect(svg).toContain('<svg');
    const r = await apiVerify(t, { qr: text });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'valid', reason: 'ok', card: { number: c.number, name: c.name, dateOfBirth: c.dateOfBirth, expiresOn: c.expiresOn } });
    expect(r.json.message).toMatch(/issued this card/);
    expect(Object.keys(r.json.card ?? {}).sort()).toEqual(['dateOfBirth', 'expiresOn', 'name', 'number']);
    expect((await apiVerify(t, { jws: issued.jws })).json.status).toBe('valid');
  });

  it('names in many scripts fit one QR code of version ≤ 22 and verify', async () => {
    for (const name of ['Xiong Pa Houa', 'Cabdiraxmaan Maxamed Xuseen', 'ሰላማዊት ገብረመድሐን', 'محمد عبد الرحمن', '王秀英', 'Nguyễn Văn An', 'X'.repeat(100), 'ጸ'.repeat(80), '王'.repeat(80)]) {
      const issued = await issue(card({ name }));
      expect(issued.qrVersion, name).toBeLessThanOrEqual(22);
      const r = await apiVerify(t, { qr: qrFromPng(await credentialQrPng(issued.jws, { scale: 4 })) });
      expect(r.json.card?.name, name).toBe(name);
    }
  });

  it('stores which key and rid a card carries, never what the card says', async () => {
    const c = card({ name: 'Zzyzx Canary-Name', number: 'CANARY-0042-1' });
    const issued = await issue(c);
    const rows = await t.ctx.db.kysely.selectFrom('municipal_id_credentials').selectAll().where('card_id', '=', c.id).execute();
    expect(rows).toHaveLength(1);
    const dump = JSON.stringify(rows) + JSON.stringify(await t.ctx.db.kysely.selectFrom('municipal_id_issuer_keys').selectAll().execute());
    expect(dump).not.toContain('Zzyzx');
    expect(dump).not.toContain('CANARY-0042');
    expect(dump).not.toContain('1990-05-17');
    expect(dump).not.toContain(issued.jws.split('.')[1]);
    // The private key is not in the database; it is in the key file, 0600.
    expect(dump).not.toMatch(/"d":/);
    expect(fs.statSync(t.config.idIssuerKeyFile).mode & 0o777).toBe(0o600);
    // A reprint of the same card keeps its rid (revoking the card covers every print).
    const again = await issue({ ...c });
    expect(again.rid).toBe(issued.rid);
  });

  it('verifications are counted, never logged with card data or audited', async () => {
    const issued = await issue(card({ name: 'Audit Canary Person' }));
    const count = async () => (await sql<{ n: number }>`select count(*) as n from audit_log`.execute(t.ctx.db.kysely)).rows[0]?.n;
    const before = await count();
    expect(before).toBeDefined();
    await apiVerify(t, { qr: issued.qrText });
    await apiVerify(t, { qr: 'shc:/123' });
    await t.app.inject({ method: 'GET', url: '/verify' });
    expect(await count()).toEqual(before);
  });

  it('expired, not-yet-valid, altered, forged and foreign-issuer credentials get specific reasons', async () => {
    const issued = await issue(card({ expiresOn: '2027-01-31' }));
    clock = new Date('2027-02-01T07:00:00Z');
    expect((await apiVerify(t, { qr: issued.qrText })).json).toMatchObject({ status: 'expired', reason: 'expired', card: { expiresOn: '2027-01-31' } });
    clock = new Date('2027-02-01T05:59:59Z');
    expect((await apiVerify(t, { qr: issued.qrText })).json.status).toBe('valid');
    clock = new Date('2026-03-02T14:50:00Z');
    expect((await apiVerify(t, { qr: issued.qrText })).json.reason).toBe('not_yet_valid');
    clock = new Date('2026-03-02T15:00:00Z');

    // Altered: one payload character changed.
    const [h, p = '', s] = issued.jws.split('.');
    const flipped = `${h}.${p.slice(0, 10)}${p[10] === 'A' ? 'B' : 'A'}${p.slice(11)}.${s}`;
    expect(['signature_invalid', 'payload_inflate_failed', 'payload_invalid']).toContain((await apiVerify(t, { jws: flipped })).json.reason);
    // Forged: a valid-looking credential signed by a key that is not the issuer's.
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { publicJwkOf } = await import('../../src/modules/municipal-id/credential/issuer-keys.ts');
    const { inflateRawSync } = await import('node:zlib');
    const claims = JSON.parse(inflateRawSync(Buffer.from(p, 'base64url')).toString()) as Record<string, unknown>;
    const forgedKid = publicJwkOf(privateKey).kid;
    expect((await apiVerify(t, { jws: signCompactJws(claims, { kid: forgedKid, privateKey }) })).json.reason).toBe('kid_unknown');
    // Same forged key but claiming the real kid: the signature does not match.
    expect((await apiVerify(t, { jws: signCompactJws(claims, { kid: issued.kid, privateKey }) })).json.reason).toBe('signature_invalid');
    // Foreign issuer.
    expect((await apiVerify(t, { jws: signCompactJws({ ...claims, iss: 'https://other.example' }, { kid: forgedKid, privateKey }) })).json.reason).toBe('issuer_not_trusted');
    // Malformed QR text.
    expect((await apiVerify(t, { qr: `${issued.qrText}1` })).json.reason).toBe('qr_odd_length');
    expect((await apiVerify(t, { qr: `shc:/${'99'.repeat(40)}` })).json.reason).toBe('qr_value_out_of_range');
    expect((await apiVerify(t, { qr: `shc:/${'56'.repeat(1300)}` })).json.reason).toBe('qr_too_long');
    expect((await apiVerify(t, { qr: 'shc:/1/2/5676' })).json.reason).toBe('qr_chunked');
  });

  it('revoking a card makes the next check say revoked; a later reprint is valid again (rid.rtime)', async () => {
    const c = card();
    const issued = await issue(c);
    const jwksBefore = await publishedJwks(t.ctx);
    const versionBefore = jwksBefore.keys.find((k) => k.kid === issued.kid)?.crlVersion ?? 0;
    expect((await apiVerify(t, { qr: issued.qrText })).json.status).toBe('valid');
    const { entries } = await inTransaction(t.ctx.db, (tx) => revokeCard(t.ctx, tx, c.id, 'lost'));
    expect(entries).toBe(1);
    const r = await apiVerify(t, { qr: issued.qrText });
    expect(r.json).toMatchObject({ status: 'revoked', reason: 'revoked' });
    // Published: the JWKS key's crlVersion went up, and the CRL lists rid.rtime with the same ctr.
    const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{ keys: Array<{ kid: string; crlVersion?: number }> }>();
    const key = jwks.keys.find((k) => k.kid === issued.kid);
    expect(key?.crlVersion).toBe(versionBefore + 1);
    const crlRes = await t.app.inject({ method: 'GET', url: `/.well-known/crl/${issued.kid}.json` });
    expect(crlRes.statusCode).toBe(200);
    expect(crlRes.headers['access-control-allow-origin']).toBe('*');
    const crl = crlRes.json<{ kid: string; method: string; ctr: number; rids: string[] }>();
    expect(crl).toMatchObject({ kid: issued.kid, method: 'rid', ctr: key?.crlVersion });
    const entry = crl.rids.find((x) => x.startsWith(`${issued.rid}.`));
    expect(Number(entry?.split('.')[1])).toBe(Math.floor(clock.getTime() / 1000) + 1);
    // The reason is never published.
    expect(JSON.stringify(crl)).not.toContain('lost');
    // A reprint two seconds later (the card was found): same rid, newer nbf → valid.
    clock = new Date(clock.getTime() + 2000);
    const reprint = await issue(c);
    expect(reprint.rid).toBe(issued.rid);
    expect((await apiVerify(t, { qr: reprint.qrText })).json.status).toBe('valid');
    expect((await apiVerify(t, { qr: issued.qrText })).json.status).toBe('revoked');
    // An offline verifier with the published documents agrees.
    const trust = new TrustedIssuers([{ iss: 'https://id.city.example', jwks }]);
    expect((await verifyCredential(issued.qrText, { trustedIssuers: trust, now: clock, crlFetcher: () => crl })).status).toBe('revoked');
    // … and refuses a CRL older than the JWKS says.
    expect((await verifyCredential(issued.qrText, { trustedIssuers: trust, now: clock, crlFetcher: () => ({ ...crl, ctr: crl.ctr - 1 }) })).reason).toBe('crl_version_mismatch');
  });

  it('key rotation: new cards use the new key, old cards stay valid until they expire, then the key retires', async () => {
    const old = await issue(card({ expiresOn: '2027-06-30' }));
    const { kid, previous } = await rotateIssuerKey(t.ctx);
    expect(previous).toBe(old.kid);
    expect(kid).not.toBe(previous);
    const fresh = await issue(card());
    expect(fresh.kid).toBe(kid);
    const jwks = await publishedJwks(t.ctx);
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([old.kid, kid]));
    for (const k of jwks.keys) expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256' });
    expect((await apiVerify(t, { qr: old.qrText })).json.status).toBe('valid');
    expect((await apiVerify(t, { qr: fresh.qrText })).json.status).toBe('valid');
    // Nothing retires while a card signed by the old key is unexpired.
    expect(await retireIssuerKeys(t.ctx)).toEqual([]);
    // Far in the future, every card the old keys signed has expired: they leave the JWKS and retire.
    clock = new Date('2031-01-01T00:00:00Z');
    const later = await publishedJwks(t.ctx);
    expect(later.keys.map((k) => k.kid)).toEqual([kid]);
    const retired = await retireIssuerKeys(t.ctx);
    expect(retired).toContain(old.kid);
    const status = await issuerKeyStatus(t.ctx);
    expect(status.find((s) => s.kid === old.kid)?.retiredAt).not.toBeNull();
    expect(status.find((s) => s.kid === kid)?.current).toBe(true);
    // The private half of a retired key is gone from the key file.
    expect(fs.readFileSync(t.config.idIssuerKeyFile, 'utf8')).not.toContain(`"kid": "${old.kid}"`);
    // An old card now names a retired key: not valid (it had expired anyway).
    expect((await apiVerify(t, { qr: old.qrText })).json.reason).toBe('kid_unknown');
  });
});

describe('issuer key file', () => {
  it('ID_ISSUER_KEY_FILE defaults beside the key file and may not be inside DATA_DIR', async () => {
    const { ConfigError, loadConfig } = await import('../../src/config.ts');
    const config = loadConfig({ DATA_DIR: '/srv/sanctuary/data', KEY_FILE: '/srv/keys/kek.json' });
    expect(config.idIssuerKeyFile).toBe('/srv/keys/id-issuer-keys.json');
    expect(() => loadConfig({ DATA_DIR: '/srv/sanctuary/data', ID_ISSUER_KEY_FILE: '/srv/sanctuary/data/id.json' })).toThrow(ConfigError);
  });

  it('refuses a key file that group or others can read', async () => {
    const os = await import('node:os');
    const path = await import('node:path');
    const { IssuerKeyStore } = await import('../../src/modules/municipal-id/credential/issuer-keys.ts');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'id-keys-'));
    const file = path.join(dir, 'keys', 'id.json');
    const store = await IssuerKeyStore.open(file);
    expect(store.current().kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    fs.chmodSync(file, 0o644);
    await expect(IssuerKeyStore.open(file)).rejects.toThrow(/chmod 600/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
