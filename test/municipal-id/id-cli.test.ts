/**
 * `sanctuary id`: the offline verifier (text, text file, image; cached keys, explicit keys, the local
 * database), `id cache` from a folder and from the issuer's URL (a real server on 127.0.0.1), and the key
 * commands. Exit codes: 0 valid, 1 not valid, 2 usage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { credentialQrPng } from '../../src/modules/municipal-id/credential/credential.qr.ts';
import { type IssuedCredential, issueCredential, revokeCard } from '../../src/modules/municipal-id/credential/credential.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { runCli } from '../helpers/cli.ts';
import { describeEachDialect } from '../helpers/db.ts';

const VECTORS = path.resolve('test/fixtures/shc-vectors');

describeEachDialect('sanctuary id (offline verifier and issuer keys)', (dialect) => {
  let t: TestApp;
  let issued: IssuedCredential;
  let dir: string;
  let baseUrl: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    issued = await inTransaction(t.ctx.db, (tx) =>
      issueCredential(t.ctx, tx, { id: 'card-cli-1', number: 'MPLS-000777-1', name: 'Sahra Maxamed', dateOfBirth: '1999-01-05', expiresOn: '2031-01-04' }),
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'id-cli-'));
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // The issuer URL the CLI assumes for the local database and folders is BASE_URL: the test app's default.
  const env = () => ({ BASE_URL: t.config.baseUrl });

  it('verifies with the local database, from text, a text file and a PNG photo', async () => {
    const text = await runCli(t.config, ['id', 'verify', '--local', issued.qrText], env());
    expect(text.code).toBe(0);
    expect(text.out).toContain('VALID');
    expect(text.out).toContain('Sahra Maxamed');
    expect(text.out).toContain('MPLS-000777-1');
    const file = path.join(dir, 'card.txt');
    fs.writeFileSync(file, `${issued.qrText}\n`);
    expect((await runCli(t.config, ['id', 'verify', '--local', file], env())).code).toBe(0);
    const png = path.join(dir, 'card.png');
    fs.writeFileSync(png, await credentialQrPng(issued.jws));
    const image = await runCli(t.config, ['id', 'verify', '--local', '--lang', 'es', png], env());
    expect(image.code).toBe(0);
    expect(image.out).toContain('VÁLIDA');
    const garbage = path.join(dir, 'garbage.png');
    fs.writeFileSync(garbage, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]));
    const bad = await runCli(t.config, ['id', 'verify', '--local', garbage], env());
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('image_unreadable');
  });

  it('caches the key set and CRLs from the issuer URL and verifies offline; a revocation shows after re-caching', async () => {
    const cache = path.join(dir, 'cache');
    const cached = await runCli(t.config, ['id', 'cache', '--from', baseUrl, '--dir', cache], env());
    expect(cached.code, cached.err).toBe(0);
    expect(fs.existsSync(path.join(cache, 'jwks.json'))).toBe(true);
    // The cache names the issuer it came from; cards of that issuer verify with it.
    const iss = (JSON.parse(fs.readFileSync(path.join(cache, 'issuer.json'), 'utf8')) as { iss: string }).iss;
    expect(iss).toBe(baseUrl);
    // The test app's cards say iss = BASE_URL (http://localhost:…), not the 127.0.0.1 address: not this issuer.
    const foreign = await runCli(t.config, ['id', 'verify', '--cache', cache, issued.qrText], env());
    expect(foreign.code).toBe(1);
    expect(foreign.out).toContain('issuer_not_https');
    // Cached from a folder for the right issuer: verify, then revoke, re-cache, and the next check says revoked.
    const served = path.join(dir, 'served');
    const publish = async () => {
      fs.mkdirSync(path.join(served, '.well-known', 'crl'), { recursive: true });
      const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).body;
      fs.writeFileSync(path.join(served, '.well-known', 'jwks.json'), jwks);
      for (const k of (JSON.parse(jwks) as { keys: Array<{ kid: string }> }).keys) {
        const crl = await t.app.inject({ method: 'GET', url: `/.well-known/crl/${k.kid}.json` });
        fs.writeFileSync(path.join(served, '.well-known', 'crl', `${k.kid}.json`), crl.body);
      }
    };
    await publish();
    expect((await runCli(t.config, ['id', 'cache', '--from', served, '--dir', cache], env())).code).toBe(0);
    expect((await runCli(t.config, ['id', 'verify', '--cache', cache, issued.qrText], env())).code).toBe(0);
    await inTransaction(t.ctx.db, (tx) => revokeCard(t.ctx, tx, 'card-cli-1', 'stolen'));
    // The old cache does not know yet (an offline verifier is as fresh as its cache) …
    expect((await runCli(t.config, ['id', 'verify', '--cache', cache, issued.qrText], env())).code).toBe(0);
    await publish();
    expect((await runCli(t.config, ['id', 'cache', '--from', served, '--dir', cache], env())).code).toBe(0);
    const revoked = await runCli(t.config, ['id', 'verify', '--cache', cache, issued.qrText], env());
    expect(revoked.code).toBe(1);
    expect(revoked.out).toContain('REVOKED');
    // A key set that moved on while its CRL stayed behind is refused when caching.
    const crlFile = fs.readdirSync(path.join(served, '.well-known', 'crl'))[0] ?? '';
    const crlPath = path.join(served, '.well-known', 'crl', crlFile);
    const crl = JSON.parse(fs.readFileSync(crlPath, 'utf8')) as { ctr: number };
    fs.writeFileSync(crlPath, JSON.stringify({ ...crl, ctr: crl.ctr - 1 }));
    const stale = await runCli(t.config, ['id', 'cache', '--from', served, '--dir', path.join(dir, 'stale')], env());
    expect(stale.code).toBe(1);
    expect(stale.err).toContain('fetch again');
  });

  it('verifies the SMART Health Card examples with explicit keys (framing-only profile)', async () => {
    const keys = path.join(VECTORS, 'example-issuer/.well-known/jwks.json');
    const crl = path.join(VECTORS, 'example-issuer/.well-known/crl');
    const args = ['id', 'verify', '--keys', keys, '--crl', crl, '--iss', 'https://spec.smarthealth.cards/examples/issuer', '--profile', 'framing-only'];
    expect((await runCli(t.config, [...args, path.join(VECTORS, 'positive/example-00-f-qr-code-numeric-value-0.txt')])).code).toBe(0);
    expect((await runCli(t.config, [...args, path.join(VECTORS, 'positive/example-00-e-file.smart-health-card')])).code).toBe(0);
    const der = await runCli(t.config, [...args, path.join(VECTORS, 'negative/test-example-00-d-jws-der-signature.txt')]);
    expect(der.code).toBe(1);
    expect(der.out).toContain('signature_malformed');
    const png = await runCli(t.config, [...args, path.join(VECTORS, 'negative/test-example-00-g-qr-code-0-single_qr_segment.png')]);
    expect(png.out).toContain('qr_segments');
    // The same health card under the municipal-id profile: not an ID card.
    const asId = await runCli(t.config, [...args.slice(0, -2), path.join(VECTORS, 'positive/example-00-d-jws.txt')]);
    expect(asId.code).toBe(1);
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(t.config, ['id', 'verify'])).code).toBe(2);
    expect((await runCli(t.config, ['id', 'verify', '/no/such/file'])).code).toBe(2);
    expect((await runCli(t.config, ['id', 'verify', '--profile', 'x', issued.qrText])).code).toBe(2);
    expect((await runCli(t.config, ['id', 'cache'])).code).toBe(2);
    expect((await runCli(t.config, ['id', 'nope'])).code).toBe(2);
    expect((await runCli(t.config, ['id', 'keys', 'explode'])).code).toBe(2);
  });

  it('keys status / rotate / retire, audited', async () => {
    const before = await runCli(t.config, ['id', 'keys', 'status'], env());
    expect(before.code).toBe(0);
    expect(before.out).toContain(issued.kid);
    const rotated = await runCli(t.config, ['id', 'keys', 'rotate'], env());
    expect(rotated.code).toBe(0);
    const after = await runCli(t.config, ['id', 'keys', 'status'], env());
    expect(after.out.split('\n').filter((l) => l.includes('published'))).toHaveLength(2);
    expect(after.out.split('\n')).toContainEqual(expect.stringMatching(/^ {2}\S{43} {2}published/));
    expect(after.out.split('\n').some((l) => l.startsWith(`  ${issued.kid}`))).toBe(true);
    expect((await runCli(t.config, ['id', 'keys', 'retire'], env())).out).toContain('No key to retire');
    // The card signed before the rotation still verifies.
    expect((await runCli(t.config, ['id', 'verify', '--local', issued.qrText], env())).out).toContain('REVOKED');
    const entries = await t.ctx.db.kysely.selectFrom('audit_log').select('action').where('action', '=', 'municipal-id.keys-rotate').execute();
    expect(entries).toHaveLength(1);
  });
});
