/**
 * R32 end to end, on SQLite and PostgreSQL: signed checkpoints carry the RFC 6962 tree size and root of the
 * audit log; `sanctuary audit prove` / `prove-consistency` produce inclusion and consistency proofs that
 * `sanctuary audit verify-proof` checks offline — from the proof file, the published key set and a witness's
 * copy of the checkpoints, with no database; `audit verify` checks every signed root. Rewritten history fails
 * all of them.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { canonicalAuditEntry, hashAuditEntry } from '../../src/core/audit/audit-entry.ts';
import { entryFromRow } from '../../src/core/audit/audit.repo.ts';
import { verifyAuditChain } from '../../src/core/audit/audit-verify.ts';
import { checkpointMessage, parseCheckpoints } from '../../src/core/audit/checkpoint.ts';
import { checkProof, parseProof } from '../../src/core/audit/proofs.ts';
import { AuditKeyStore, verifyKeysFromJwks } from '../../src/core/audit/signing-key.ts';
import { randomId } from '../../src/core/crypto/random.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { runCli } from '../helpers/cli.ts';
import { describeEachDialect } from '../helpers/db.ts';

/** MTH straight from RFC 6962 §2.1, over the canonical entries read back from the database. */
function naiveRoot(entries: string[]): string {
  const sha = (...b: Buffer[]) => createHash('sha256').update(Buffer.concat(b)).digest();
  const mth = (d: Buffer[]): Buffer => {
    if (d.length === 0) return sha();
    if (d.length === 1) return sha(Buffer.from([0]), d[0] as Buffer);
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return sha(Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k)));
  };
  return mth(entries.map((e) => Buffer.from(e, 'utf8'))).toString('hex');
}

describeEachDialect('audit Merkle proofs (R32)', (dialect) => {
  let t: TestApp;
  let dir: string;
  beforeEach(async () => {
    t = await createTestApp(dialect);
    dir = t.database.dir;
  });
  afterEach(async () => {
    await t.close();
  });

  const cli = (argv: string[]) => runCli(t.config, argv);

  async function write(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await t.ctx.audit.recordNow({ actor: { id: randomId(), role: 'program-staff' }, action: i % 3 ? 'record.read' : 'record.update', record: { type: 'legal-defense.case', id: randomId() }, purpose: 'case-work' });
    }
  }

  async function canonicalEntries(): Promise<string[]> {
    const rows = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    return rows.map((r) => {
      const { hash: _h, ...rest } = entryFromRow(r);
      return canonicalAuditEntry(rest);
    });
  }

  /** What a witness keeps: the published key set and the checkpoints, as files. */
  async function witness(): Promise<{ keyFile: string; checkpointsFile: string }> {
    const keyFile = path.join(dir, 'audit-key.json');
    const checkpointsFile = path.join(dir, 'witness-checkpoints.json');
    await fs.writeFile(keyFile, (await t.app.inject({ method: 'GET', url: '/.well-known/audit-key.json' })).body);
    await fs.writeFile(checkpointsFile, (await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints' })).body);
    return { keyFile, checkpointsFile };
  }

  it('signs the tree size and the RFC 6962 root, and audit verify checks it', async () => {
    // The demo-free app already audited its own start-up work; count whatever is there.
    await write(37);
    const first = await t.ctx.audit.checkpoint();
    const entries = await canonicalEntries();
    expect(first.seq).toBe(entries.length);
    expect(first.root).toBe(naiveRoot(entries));
    // The signature covers the root: the same checkpoint with another root does not verify.
    const keys = (await AuditKeyStore.open(t.config.auditKeyFile)).verifyKeys();
    expect(checkProof({ format: 'sanctuary-audit-consistency:v1', from: first, to: first, path: [] }, keys).ok).toBe(true);
    const forged = { ...first, root: naiveRoot(entries.slice(1)) };
    expect(checkProof({ format: 'sanctuary-audit-consistency:v1', from: forged, to: forged, path: [] }, keys).problems.join()).toMatch(/signature that does not verify/);
    // Published, parsed back with the root.
    const published = parseCheckpoints((await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints' })).json());
    expect(published.at(-1)).toEqual(first);
    const report = await t.ctx.audit.verify();
    expect(report).toMatchObject({ ok: true, root: first.root, entries: entries.length });
    // Nothing new: the same checkpoint comes back.
    expect(await t.ctx.audit.checkpoint()).toEqual(first);
  });

  it('inclusion and consistency proofs verify offline from the key set and a witness copy; a rewrite fails them', async () => {
    await write(21);
    const early = await t.ctx.audit.checkpoint();
    await write(30);
    const late = await t.ctx.audit.checkpoint();
    const { keyFile, checkpointsFile } = await witness();

    // Inclusion of several entries (first, middle, last) in the latest signed tree, through the CLI.
    for (const seq of [1, Math.floor(late.seq / 2), late.seq]) {
      const file = path.join(dir, `incl-${seq}.json`);
      const made = await cli(['audit', 'prove', String(seq), '--out', file]);
      expect(made.code, made.err).toBe(0);
      const proof = parseProof(JSON.parse(await fs.readFile(file, 'utf8')));
      expect(proof).toMatchObject({ format: 'sanctuary-audit-inclusion:v1', leafIndex: seq - 1, treeSize: late.seq });
      // Offline: a config that points at no database at all.
      const checked = await runCli({ ...t.config, database: { kind: 'sqlite', file: path.join(dir, 'nowhere', 'none.db') } }, ['audit', 'verify-proof', file, '--public-key', keyFile, '--checkpoints', checkpointsFile]);
      expect(checked.code, checked.out + checked.err).toBe(0);
      expect(checked.out.startsWith(`OK: entry ${seq} (hash `)).toBe(true);
      expect(checked.out).toContain(`in the log of ${late.seq} entries signed at ${late.at} (matches the witness copy)`);
    }
    // In the earlier tree too.
    const inEarly = await t.ctx.audit.inclusionProof(3, { treeSize: early.seq });
    expect(checkProof(inEarly, verifyKeysFromJwks(JSON.parse(await fs.readFile(keyFile, 'utf8')))).ok).toBe(true);

    // Consistency between the two checkpoints.
    const consistencyFile = path.join(dir, 'consistency.json');
    const made = await cli(['audit', 'prove-consistency', String(early.seq), String(late.seq), '--out', consistencyFile]);
    expect(made.code, made.err).toBe(0);
    const ok = await cli(['audit', 'verify-proof', consistencyFile, '--public-key', keyFile, '--checkpoints', checkpointsFile]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain(`OK: the log of ${late.seq} entries`);

    // A proof edited by hand fails: another entry, a changed path node, a swapped checkpoint.
    const incl = JSON.parse(await fs.readFile(path.join(dir, 'incl-1.json'), 'utf8')) as Record<string, unknown>;
    const keys = verifyKeysFromJwks(JSON.parse(await fs.readFile(keyFile, 'utf8')));
    const edited = { ...incl, entry: String(incl.entry).replace('record.', 'recorx.') };
    expect(checkProof(parseProof(edited), keys).problems.join()).toMatch(/is not in the log/);
    const path0 = (incl.path as string[])[0] as string;
    const flipped = { ...incl, path: [`${path0[0] === 'a' ? 'b' : 'a'}${path0.slice(1)}`, ...(incl.path as string[]).slice(1)] };
    expect(checkProof(parseProof(flipped), keys).ok).toBe(false);
    const otherSize = { ...incl, checkpoint: early };
    expect(checkProof(parseProof(otherSize), keys).ok).toBe(false);
    const badFile = path.join(dir, 'bad.json');
    await fs.writeFile(badFile, JSON.stringify(edited));
    const bad = await cli(['audit', 'verify-proof', badFile, '--public-key', keyFile]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^FAILED/);

    // Someone with the database and the signing key rewrites entry 5 consistently (hashes, head) and signs a new
    // checkpoint. The chain alone now looks fine from a new checkpoint on; the witness's pinned roots do not.
    if (dialect === 'postgres') {
      await sql`drop trigger audit_log_append_only on audit_log`.execute(t.ctx.db.kysely);
    } else {
      await sql`drop trigger audit_log_no_update`.execute(t.ctx.db.kysely);
    }
    const rows = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    let prev = rows[3]?.hash as string;
    for (const r of rows.slice(4)) {
      const e = entryFromRow(r);
      const { hash: _h, ...rest } = { ...e, action: e.seq === 5 ? 'record.export' : e.action, prevHash: prev };
      const h = hashAuditEntry(rest);
      await t.ctx.db.kysely.updateTable('audit_log').set({ action: rest.action, prev_hash: prev, hash: h }).where('seq', '=', e.seq).execute();
      prev = h;
    }
    await t.ctx.db.kysely.updateTable('audit_head').set({ hash: prev }).where('id', '=', 1).execute();
    await write(4);
    const rewritten = await t.ctx.audit.checkpoint();

    // The consistency proof from the witness's pinned checkpoint to the rewritten log fails.
    const proof = await t.ctx.audit.consistencyProof(late.seq, rewritten.seq);
    expect(checkProof(proof, keys, parseCheckpoints(JSON.parse(await fs.readFile(checkpointsFile, 'utf8')))).problems.join()).toMatch(/does not extend/);
    // So does an inclusion proof of the rewritten entry against the pinned tree.
    const forgedEntry = await t.ctx.audit.inclusionProof(5, { treeSize: late.seq });
    expect(checkProof(forgedEntry, keys).ok).toBe(false);
    // And a full verify finds it through the signed roots, even though every hash link holds.
    const report = await t.ctx.audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(1);
    expect(report.problems.map((p) => p.message).join('\n')).toMatch(/Merkle tree of the first \d+ entries no longer has the root/);
    // The same findings whether the tree is built inline or on the worker thread (long logs).
    const strip = (r: typeof report) => ({ ...r, durationMs: 0, entriesPerSecond: 0 });
    const inline = await verifyAuditChain(t.ctx.db, { keys, workerThreshold: Number.MAX_SAFE_INTEGER });
    const onWorker = await verifyAuditChain(t.ctx.db, { keys, workerThreshold: 0 });
    expect(strip(onWorker)).toEqual(strip(inline));
    expect(strip(inline)).toEqual(strip(report));
  });

  it('still verifies checkpoints signed before they carried a root (format v1)', async () => {
    await write(5);
    const head = await t.ctx.audit.head();
    const store = await AuditKeyStore.open(t.config.auditKeyFile);
    const unsigned = { seq: head.seq, hash: head.hash, at: new Date().toISOString(), kid: store.currentKid };
    expect(checkpointMessage(unsigned).toString()).toMatch(/^sanctuary-audit-checkpoint:v1\n/);
    const { signature } = store.sign(checkpointMessage(unsigned));
    await t.ctx.db.kysely.insertInto('audit_checkpoints').values({ id: randomId(), seq: head.seq, hash: head.hash, at: unsigned.at, key_id: store.currentKid, tree_root: null, signature }).execute();
    expect(await t.ctx.audit.verify()).toMatchObject({ ok: true });
    // A v1 checkpoint has no root to prove against; the CLI says so instead of failing oddly.
    const res = await cli(['audit', 'prove', '1']);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/no signed checkpoint covers entry 1/);
    const cp = await t.ctx.audit.checkpoint();
    expect(cp.root).toBeDefined();
    expect((await cli(['audit', 'prove', '1'])).code).toBe(0);
  });

  it('refuses bad arguments and malformed proof files with a usage error', async () => {
    await write(3);
    await t.ctx.audit.checkpoint();
    const { keyFile } = await witness();
    expect((await cli(['audit', 'prove'])).code).toBe(2);
    expect((await cli(['audit', 'prove', 'x'])).code).toBe(2);
    expect((await cli(['audit', 'prove', '999999'])).code).toBe(2);
    expect((await cli(['audit', 'prove-consistency', '1', '99999'])).code).toBe(2);
    const junk = path.join(dir, 'junk.json');
    await fs.writeFile(junk, JSON.stringify({ format: 'sanctuary-audit-inclusion:v1', entry: 'x', leafIndex: 0, treeSize: 1, path: ['zz'], checkpoint: {} }));
    const res = await cli(['audit', 'verify-proof', junk, '--public-key', keyFile]);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/path must be a list of SHA-256 hashes/);
    expect((await cli(['audit', 'verify-proof', junk])).code).toBe(2);
  });
});
