import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createStaffUser } from '../../src/core/auth/accounts.service.ts';
import { readBackupFile, readBackupHeader } from '../../src/core/backup/backup-file.ts';
import { BackupKeyRing } from '../../src/core/backup/backup-key.ts';
import { createBackup } from '../../src/core/backup/backup.service.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { createLogger } from '../../src/core/log.ts';
import { notify } from '../../src/core/notify/notifier.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { TestBrowser } from '../helpers/app.ts';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../helpers/db.ts';

/**
 * R21 canary scan (DESIGN §3.3): known, unique personal values in several scripts are written through the
 * public Office form (a simulated browser over `app.inject`) and through services; then the raw SQLite files
 * (main, -wal, -shm, and the key vault's), a `pg_dump` of PostgreSQL, the captured logs and backups (a plain
 * copy, and a `sanctuary backup` archive both as stored and decrypted with the backup key) are
 * searched for each value as UTF-8, UTF-16LE, hex and base64 (every alignment). None may appear.
 */

const RUN = Math.random().toString(36).slice(2, 8);

/** Unique values nobody else would write, one per script, plus contact values. */
const CANARIES = {
  latin: `Zyqwerta Canaryson ${RUN}`,
  somali: `Xaawo Cabdiqaadir Kanaari ${RUN}`,
  hmong: `Ntxawm Yaj Kanalis ${RUN}`,
  arabic: `ريما الكنارية الفريدة ${RUN}`,
  chinese: `金丝雀测试员张伟${RUN}`,
  email: `canary.${RUN}@example.org`,
  phone: `612 555 ${String(1000 + Math.floor(Math.random() * 8999))}`,
  description: `Canary description: my cousin Qorsho was taken at the Lake Street bus stop ${RUN}`,
  otherLanguage: `Kanarish-${RUN}`,
  staffEmail: `staff.canary.${RUN}@city.example`,
  notifyEmail: `notice.canary.${RUN}@example.net`,
  notifyPhone: `+1612555${String(1000 + Math.floor(Math.random() * 8999))}`,
};
const NAMES = [CANARIES.latin, CANARIES.somali, CANARIES.hmong, CANARIES.arabic, CANARIES.chinese];

/** Every byte pattern under which a value could sit in a file. */
function encodings(value: string): Array<{ label: string; bytes: Buffer }> {
  const utf8 = Buffer.from(value, 'utf8');
  const out = [
    { label: 'utf-8', bytes: utf8 },
    { label: 'utf-8 NFD', bytes: Buffer.from(value.normalize('NFD'), 'utf8') },
    { label: 'utf-16le', bytes: Buffer.from(value, 'utf16le') },
    { label: 'hex', bytes: Buffer.from(utf8.toString('hex')) },
    { label: 'json-escaped', bytes: Buffer.from(JSON.stringify(value).slice(1, -1).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)) },
  ];
  // base64 / base64url at each of the three alignments a value can have inside a larger encoded blob:
  // drop the first group (mixed with preceding bytes) and the last (mixed with following bytes).
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), utf8]).toString('base64');
    const core = b64.slice(k === 0 ? 0 : 4, b64.length - 4);
    if (core.length >= 8) {
      out.push({ label: `base64+${k}`, bytes: Buffer.from(core) });
      out.push({ label: `base64url+${k}`, bytes: Buffer.from(core.replace(/\+/g, '-').replace(/\//g, '_')) });
    }
  }
  return out;
}

/** Finds any canary in any encoding in `data`; returns "what (encoding)" for each hit. */
function scan(data: Buffer): string[] {
  const hits: string[] = [];
  for (const [what, value] of Object.entries(CANARIES)) {
    for (const e of encodings(value)) if (data.includes(e.bytes)) hits.push(`${what} (${e.label})`);
  }
  return hits;
}

const BASE = '/forms/office-help';

async function step(browser: TestBrowser, name: string, form: Record<string, string>): Promise<void> {
  const res = await browser.post(`${BASE}/${name}`, form);
  expect(res.statusCode, `${name}: ${res.body.slice(0, 300)}`).toBe(303);
}

/** Sends one Office request through the public form, as a resident would. */
async function sendOfficeRequest(browser: TestBrowser, answers: { name: string; description: string; email?: string; phone?: string; other?: string }): Promise<void> {
  await browser.get(BASE);
  await step(browser, 'start', {});
  await step(browser, 'topic', { topic: 'lawyer' });
  await step(browser, 'description', { description: answers.description });
  if (answers.other) {
    await step(browser, 'language', { language: 'other' });
    await step(browser, 'other-language', { languageOther: answers.other });
  } else {
    await step(browser, 'language', { language: 'so' });
  }
  if (answers.email) {
    await step(browser, 'contact', { contactMethod: 'email' });
    await step(browser, 'email', { email: answers.email });
  } else {
    await step(browser, 'contact', { contactMethod: 'phone' });
    await step(browser, 'phone', { phone: answers.phone ?? '' });
  }
  await step(browser, 'name', { name: answers.name });
  const sent = await browser.post(`${BASE}/submit`, {});
  expect(sent.statusCode).toBe(303);
  expect(sent.headers.location).toBe(`${BASE}/confirmation`);
}

describeEachDialect('canary scan: no personal value in plaintext anywhere at rest', (dialect) => {
  let database: TestDatabase;
  let ctx: AppContext;
  let close: () => Promise<void>;
  const logs: string[] = [];
  let keyDir: string;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    keyDir = path.join(database.dir, 'keys');
    const config = loadConfig(
      { NODE_ENV: 'test', DATA_DIR: path.join(database.dir, 'data'), KEY_FILE: path.join(keyDir, 'kek.json'), LOG_LEVEL: 'trace', DEMO: 'false', RATE_LIMIT: 'false' },
      { database: database.target },
    );
    // Capture everything the app logs, at the most verbose level.
    const logger = createLogger({ level: 'trace', destination: { write: (line: string) => void logs.push(line) } });
    const built = await buildApp({ config, db: database.db, logger });
    ctx = built.ctx;
    close = () => built.close();

    // 1. Residents, through the public form, in several scripts.
    for (const [i, name] of NAMES.entries()) {
      await sendOfficeRequest(new TestBrowser(built.app), {
        name,
        description: `${CANARIES.description} #${i}`,
        ...(i === 0 ? { email: CANARIES.email } : { phone: CANARIES.phone }),
        ...(i === 1 ? { other: CANARIES.otherLanguage } : {}),
      });
    }
    // A draft left half-way, and one saved for later with a resume code.
    const halfway = new TestBrowser(built.app);
    await halfway.get(BASE);
    await step(halfway, 'start', {});
    await step(halfway, 'topic', { topic: 'housing' });
    await step(halfway, 'description', { description: `${CANARIES.description} (draft)` });

    // 2. Services: a staff account (sealed e-mail) and a program record sealed through the vault.
    await createStaffUser(
      { db: ctx.db, now: () => new Date(), config: ctx.config, vault: ctx.vault, audit: ctx.audit, log: ctx.log } as unknown as Parameters<typeof createStaffUser>[0],
      { email: CANARIES.staffEmail, displayName: 'Canary Staff Member', roles: ['program-staff'], actor: { id: null, role: 'operator' } },
    );
    // Notifications to a resident (e-mail and SMS), queued and delivered (log transports: no SMTP/SMS here).
    const recipient = await inTransaction(ctx.db, (tx) => ctx.vault.createSubject(tx, 'canary-test'));
    const values = { city: 'Minneapolis', receivedOn: new Date(), agency: CANARIES.latin, program: 'office', outcome: 'declined', reference: 'ABCD-EFGH-J0' };
    await notify(ctx, { channel: 'email', to: CANARIES.notifyEmail, template: 'notify.demandNotice', values, locale: 'so', subjectRef: recipient });
    await notify(ctx, { channel: 'sms', to: CANARIES.notifyPhone, template: 'notify.demandNotice', values, locale: 'en', subjectRef: recipient });
    const delivered = await ctx.notifier.deliverDue();
    expect(delivered).toMatchObject({ sent: 2 });

    await inTransaction(ctx.db, async (tx) => {
      const subject = await ctx.vault.createSubject(tx, 'canary-test');
      for (const [i, name] of NAMES.entries()) {
        const sealed = await ctx.vault.seal(subject, name, { table: 'canary', column: 'name', rowId: String(i) });
        expect(await ctx.vault.open(subject, sealed, { table: 'canary', column: 'name', rowId: String(i) })).toBe(name);
        ctx.vault.blindIndex('canary.name', name, { normalize: 'name' });
      }
    });
  });

  afterAll(async () => {
    await close?.();
    await database?.drop();
  });

  it('the scanner finds a canary that is really there (positive control, every encoding)', () => {
    for (const value of Object.values(CANARIES)) {
      for (const e of encodings(value)) {
        expect(scan(Buffer.concat([Buffer.from('prefix-1'), e.bytes, Buffer.from('-suffix')])).length, `${value} ${e.label}`).toBeGreaterThan(0);
      }
    }
    // base64 embedded at an arbitrary offset inside a larger blob.
    const blob = Buffer.concat([Buffer.from('xy'), Buffer.from(CANARIES.arabic, 'utf8'), Buffer.from('z')]).toString('base64');
    expect(scan(Buffer.from(blob))).toContain('arabic (base64+2)');
  });

  it('the values were really stored (sealed), and can be read back with the keys', async () => {
    const rows = await ctx.db.kysely.selectFrom('office_requests').selectAll().execute();
    expect(rows.length).toBe(NAMES.length);
    const names = await Promise.all(
      rows.map((r) => ctx.vault.open(r.id, r.name_sealed as string, { table: 'office_requests', column: 'name_sealed', rowId: r.id })),
    );
    expect(names.sort()).toEqual([...NAMES].sort());
    expect(await ctx.db.kysely.selectFrom('form_drafts').select('id').where('submitted_at', 'is', null).execute()).not.toHaveLength(0);
  });

  it('the raw database files (main, -wal, -shm), the key files and the key vault hold no canary', async () => {
    const files: string[] = [];
    if (dialect === 'sqlite') {
      const main = database.db.file as string;
      for (const f of [main, `${main}-wal`, `${main}-shm`]) if (fs.existsSync(f)) files.push(f);
      expect(fs.existsSync(`${main}-wal`)).toBe(true); // the scan includes uncheckpointed writes
    }
    for (const f of fs.readdirSync(keyDir)) files.push(path.join(keyDir, f));
    const vaultFile = ctx.config.keyVault.kind === 'sqlite' ? ctx.config.keyVault.file : undefined;
    expect(vaultFile && fs.existsSync(vaultFile)).toBe(true);
    for (const f of [vaultFile, `${vaultFile}-wal`, `${vaultFile}-shm`]) if (f && fs.existsSync(f)) files.push(f);
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) expect(scan(fs.readFileSync(f)), f).toEqual([]);
  });

  // Only PostgreSQL has a pg_dump; the SQLite suite scans the raw files instead.
  if (dialect === 'postgres') it('a pg_dump of the database holds no canary', () => {
    if (database.target.kind !== 'postgres') throw new Error('postgres expected');
    const dump = execFileSync('pg_dump', ['--format=plain', '--no-owner', database.target.url], { maxBuffer: 256 * 1024 * 1024 });
    expect(dump.length).toBeGreaterThan(1000);
    expect(dump.includes(Buffer.from('office_requests'))).toBe(true);
    expect(scan(dump)).toEqual([]);
  });

  it('a backup of the database holds no canary', async () => {
    const file = path.join(database.dir, `canary-backup-${RUN}`);
    if (database.target.kind === 'postgres') {
      execFileSync('pg_dump', ['--format=custom', '--compress=0', '--no-owner', `--file=${file}`, database.target.url]);
    } else {
      await sql`vacuum into ${file}`.execute(database.db.kysely);
    }
    const data = fs.readFileSync(file);
    expect(data.length).toBeGreaterThan(1000);
    expect(scan(data)).toEqual([]);
  });

  it('a `sanctuary backup` archive holds no canary — neither the encrypted file nor the dump inside it', async () => {
    const keys = await BackupKeyRing.open(ctx.config.backup);
    const result = await createBackup({ target: database.target, keys, dir: path.join(database.dir, 'backups') });
    const archive = fs.readFileSync(result.file);
    expect(archive.length).toBeGreaterThan(1000);
    expect(scan(archive)).toEqual([]);
    // Whoever also holds the backup key gets the database dump — and still no personal value in clear.
    const { header } = await readBackupHeader(result.file);
    const dumpFile = path.join(database.dir, `canary-dump-${RUN}`);
    await readBackupFile({ inFile: result.file, dumpFile, key: keys.fileKey(header.kid, header.id) });
    // A pg_dump archive may be compressed: read it back as plain SQL so the scan sees every value.
    const dump = header.dialect === 'postgres' ? execFileSync('pg_restore', ['--file=-', dumpFile], { maxBuffer: 256 * 1024 * 1024 }) : fs.readFileSync(dumpFile);
    expect(dump.includes(Buffer.from('office_requests'))).toBe(true);
    expect(scan(dump)).toEqual([]);
  });

  it('the logs hold no canary', () => {
    const all = Buffer.from(logs.join(''), 'utf8');
    expect(logs.length).toBeGreaterThan(10); // the capture works: every request is logged
    expect(scan(all)).toEqual([]);
  });
});
