import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../../../test/helpers/db.ts';
import { type Vault, openVault } from '../crypto/vault.ts';
import { vaultMigrations } from '../crypto/vault.migrations.ts';
import { migrateToLatest } from '../db/migrator.ts';
import { inTransaction } from '../db/transaction.ts';
import { Messages } from '../i18n/messages.ts';
import { createLogger } from '../log.ts';
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import hmn from './locales/hmn.json' with { type: 'json' };
import so from './locales/so.json' with { type: 'json' };
import { SmtpMailer } from './mailer.ts';
import { MESSAGE_BODY_RETENTION_DAYS, NotifyInputError, Notifier, notify } from './notifier.ts';
import { notifyMigrations } from './notify.migrations.ts';
import { HttpSmsProvider, LogSmsProvider } from './sms.ts';

const log = createLogger({ level: 'silent' });
const messages = new Messages([
  { owner: 'core.notify', catalogs: { en, es, so, hmn } },
  {
    owner: 'test',
    catalogs: {
      en: { 'test.reminder.subject': 'Reminder', 'test.reminder.text': 'See you {day}.', 'test.reminder.sms': 'See you {day}.' },
      es: { 'test.reminder.subject': 'Recordatorio', 'test.reminder.text': 'Nos vemos el {day}.', 'test.reminder.sms': 'Nos vemos el {day}.' },
      so: {},
      hmn: {},
    },
  },
]);

interface Mail {
  to: string[];
  raw: Buffer;
}

async function startSmtp(options: { failFirst?: number; reject?: RegExp } = {}) {
  const received: Mail[] = [];
  let failuresLeft = options.failFirst ?? 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _s, cb) {
      if (options.reject?.test(address.address)) return cb(Object.assign(new Error('no such user'), { responseCode: 550 }));
      if (failuresLeft > 0) {
        failuresLeft--;
        return cb(Object.assign(new Error('busy'), { responseCode: 451 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    received,
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describeEachDialect('Notifier', (dialect) => {
  let database: TestDatabase;
  let vault: Vault;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let clock: Date;
  const now = () => clock;

  beforeAll(async () => {
    smtp = await startSmtp({ reject: /^bounce@/ });
  });
  afterAll(async () => smtp.close());

  beforeEach(async () => {
    clock = new Date('2026-11-27T12:00:00.000Z');
    database = await createTestDatabase(dialect);
    await migrateToLatest(database.db, { ...vaultMigrations, ...notifyMigrations });
    vault = await openVault(
      {
        kekFromEnv: undefined,
        indexKeyFromEnv: undefined,
        keyFile: path.join(database.dir, 'keys', 'kek.json'),
        keyVault: { kind: 'sqlite', file: path.join(database.dir, 'keys', 'subject-keys.db') },
      },
      { db: database.db, now },
    );
    smtp.received.length = 0;
  });
  afterEach(async () => {
    await vault.close();
    await database.drop();
  });

  function notifier(options: { smtpUrl?: string; sms?: Notifier['sms'] } = {}) {
    return new Notifier({
      db: database.db,
      messages,
      sealer: vault,
      mailer: new SmtpMailer(options.smtpUrl ?? smtp.url, 'Sanctuary <no-reply@city.example>', log),
      sms: options.sms ?? new LogSmsProvider(log),
      log,
      now,
      cityName: 'Testville',
    });
  }

  async function subject(): Promise<string> {
    return inTransaction(database.db, (tx) => vault.createSubject(tx, 'clinics'));
  }

  it('queues a message sealed under the recipient, and a new process sends it in their language', async () => {
    const person = await subject();
    const before = notifier();
    const id = await notify(
      { notifier: before },
      {
        channel: 'email',
        to: 'hodan@example.org',
        template: 'notify.demandNotice',
        values: { agency: 'ICE', program: 'Clínicas', reference: 'ABCD-EFGH-JKMN', outcome: 'declined', receivedOn: new Date('2026-11-26T15:00:00Z') },
        locale: 'es',
        subjectRef: person,
        attachments: [{ filename: 'cita.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' }],
      },
    );
    await before.mailer.close();
    // At rest: nothing readable.
    const row = await database.db.kysely.selectFrom('notify_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('queued');
    // Whole words only: random base64 ciphertext can contain "ICE" or "ABCD" by chance (it did, once in CI).
    expect(JSON.stringify(row)).not.toMatch(/hodan|\bICE\b|Clínicas|\bABCD\b|VCALENDAR/);

    // "Restart": a fresh notifier (new process) delivers what the old one queued.
    const after = notifier();
    expect(await after.deliverDue()).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0 });
    await after.mailer.close();
    expect(smtp.received).toHaveLength(1);
    const mail = await simpleParser(smtp.received[0]?.raw ?? Buffer.alloc(0));
    expect(smtp.received[0]?.to).toEqual(['hodan@example.org']);
    expect(mail.subject).toBe('Una solicitud de su información que guarda la Ciudad de Testville');
    expect(mail.text).toContain('La ciudad rechazó esta solicitud.');
    expect(mail.text).toContain('ABCD-EFGH-JKMN');
    expect(mail.text).toContain('Por favor, no lo responda');
    expect(mail.html).toContain('<p>');
    expect(mail.attachments[0]?.filename).toBe('cita.ics');
    const sent = await database.db.kysely.selectFrom('notify_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(sent.status).toBe('sent');
    expect(sent.attempts).toBe(1);
    expect(sent.sent_at).toBe(clock.toISOString());
    // Sending twice is impossible: nothing is due any more.
    expect(await notifier().deliverDue()).toEqual({ claimed: 0, sent: 0, retried: 0, failed: 0 });
  });

  it('sends SMS through the HTTP gateway', async () => {
    const hits: unknown[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hits.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"gw-1"}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
      const n = notifier({ sms: new HttpSmsProvider({ url, token: 't', log }) });
      const person = await subject();
      const id = await n.enqueue({ channel: 'sms', to: '+16125550142', template: 'test.reminder', values: { day: 'lunes' }, locale: 'es', subjectRef: person });
      expect(await n.deliverDue()).toMatchObject({ sent: 1 });
      await n.mailer.close();
      expect(hits).toEqual([{ to: '+16125550142', body: 'Nos vemos el lunes.' }]);
      const row = await database.db.kysely.selectFrom('notify_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.provider_id).toBe('gw-1');
    } finally {
      server.close();
    }
  });

  it('retries a temporary failure later and gives up on a permanent one', async () => {
    const flaky = await startSmtp({ failFirst: 1 });
    try {
      const n = notifier({ smtpUrl: flaky.url });
      const person = await subject();
      const id = await n.enqueue({ channel: 'email', to: 'a@example.org', template: 'test.reminder', values: { day: 'Monday' }, locale: 'en', subjectRef: person });
      expect(await n.deliverDue()).toMatchObject({ retried: 1 });
      let row = await database.db.kysely.selectFrom('notify_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'queued', attempts: 1, last_error: 'smtp_451', next_attempt_at: '2026-11-27T12:01:00.000Z' });
      // Not due yet.
      expect(await n.deliverDue()).toMatchObject({ claimed: 0 });
      clock = new Date('2026-11-27T12:01:00.000Z');
      expect(await n.deliverDue()).toMatchObject({ sent: 1 });
      row = await database.db.kysely.selectFrom('notify_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
      await n.mailer.close();
    } finally {
      await flaky.close();
    }
    const n = notifier();
    const bounce = await n.enqueue({ channel: 'email', to: 'bounce@example.org', template: 'test.reminder', values: { day: 'x' }, locale: 'en', subjectRef: await subject() });
    expect(await n.deliverDue()).toMatchObject({ failed: 1 });
    await n.mailer.close();
    const row = await database.db.kysely.selectFrom('notify_messages').selectAll().where('id', '=', bounce).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', last_error: 'smtp_550' });
  });

  it('two workers never send one message twice', async () => {
    const a = notifier();
    const b = notifier();
    for (let i = 0; i < 6; i++) {
      await a.enqueue({ channel: 'email', to: `p${i}@example.org`, template: 'test.reminder', values: { day: 'x' }, locale: 'en', subjectRef: await subject() });
    }
    const [ra, rb] = await Promise.all([a.deliverDue(), b.deliverDue()]);
    await a.mailer.close();
    await b.mailer.close();
    expect(ra.sent + rb.sent).toBe(6);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5'].map((p) => `${p}@example.org`));
  });

  it('queues inside the caller transaction: a rollback leaves no message', async () => {
    const n = notifier();
    const person = await subject();
    await expect(
      inTransaction(database.db, async (tx) => {
        await n.enqueue({ channel: 'email', to: 'a@example.org', template: 'test.reminder', values: { day: 'x' }, locale: 'en', subjectRef: person }, tx);
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    await n.mailer.close();
    const count = await database.db.kysely.selectFrom('notify_messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it(`erases address and body after ${MESSAGE_BODY_RETENTION_DAYS} days and keeps only metadata`, async () => {
    const n = notifier();
    const sentId = await n.enqueue({ channel: 'email', to: 'a@example.org', template: 'test.reminder', values: { day: 'x' }, locale: 'en', subjectRef: await subject() });
    await n.deliverDue();
    clock = new Date('2026-11-28T12:00:00.000Z');
    const stuckId = await n.enqueue({ channel: 'sms', to: '+16125550100', template: 'test.reminder', values: { day: 'x' }, locale: 'en', subjectRef: await subject() });
    // Day 7 after the first: nothing is old enough yet.
    clock = new Date('2026-12-04T11:59:59.000Z');
    expect(await n.purgeBodies()).toBe(0);
    clock = new Date('2026-12-04T12:00:01.000Z');
    expect(await n.purgeBodies()).toBe(1);
    clock = new Date('2026-12-05T12:00:01.000Z');
    expect(await n.purgeBodies()).toBe(1);
    await n.mailer.close();
    const rows = await database.db.kysely.selectFrom('notify_messages').selectAll().orderBy('created_at').execute();
    expect(rows.map((r) => [r.id, r.status, r.recipient_sealed, r.content_sealed, r.channel, r.template])).toEqual([
      [sentId, 'sent', null, null, 'email', 'test.reminder'],
      [stuckId, 'expired', null, null, 'sms', 'test.reminder'],
    ]);
    expect(rows.every((r) => r.purged_at !== null && r.created_at !== null)).toBe(true);
    // A purged message is never sent.
    expect(await notifier().deliverDue()).toMatchObject({ claimed: 0 });
  });

  it('keeps contents only as long as the jurisdiction says (Testville: three days)', async () => {
    const n = new Notifier({
      db: database.db,
      messages,
      sealer: vault,
      mailer: new SmtpMailer(smtp.url, 'no-reply@city.example', log),
      sms: new LogSmsProvider(log),
      log,
      now,
      cityName: 'Testville',
      retentionDays: 3,
    });
    await n.enqueue({ channel: 'sms', to: '+16125550100', template: 'test.reminder', values: { day: 'x' }, locale: 'en', subjectRef: await subject() });
    clock = new Date('2026-11-30T11:59:00.000Z');
    expect(await n.purgeBodies()).toBe(0);
    clock = new Date('2026-11-30T12:00:01.000Z');
    expect(await n.purgeBodies()).toBe(1);
    await n.mailer.close();
  });

  it('a message to a forgotten person can never be opened or sent', async () => {
    const n = notifier();
    const person = await subject();
    const id = await n.enqueue({ channel: 'email', to: 'gone@example.org', template: 'test.reminder', values: { day: 'x' }, locale: 'en', subjectRef: person });
    await inTransaction(database.db, (tx) => vault.forgetSubject(tx, person));
    expect(await n.deliverDue()).toMatchObject({ failed: 1, sent: 0 });
    await n.mailer.close();
    expect(smtp.received).toHaveLength(0);
    // This vault has no subject-row registrations, so the row survives the forget: it must fail closed.
    const row = await database.db.kysely.selectFrom('notify_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', last_error: 'undecryptable' });
  });

  it('refuses bad addresses, unknown templates and oversize attachments before queuing', async () => {
    const n = notifier();
    const person = await subject();
    const base = { template: 'test.reminder', values: { day: 'x' }, locale: 'en' as const, subjectRef: person };
    await expect(n.enqueue({ ...base, channel: 'email', to: 'not-an-address' })).rejects.toBeInstanceOf(NotifyInputError);
    await expect(n.enqueue({ ...base, channel: 'sms', to: '612-555-0100' })).rejects.toThrow(/E\.164/);
    await expect(n.enqueue({ ...base, channel: 'email', to: 'a@example.org', template: 'test.missing' })).rejects.toThrow(/template/);
    await expect(
      n.enqueue({ ...base, channel: 'email', to: 'a@example.org', attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', content: Buffer.alloc(1024 * 1024 + 1) }] }),
    ).rejects.toThrow(/1 MB/);
    await expect(
      n.enqueue({ ...base, channel: 'sms', to: '+16125550100', attachments: [{ filename: 'a.ics', contentType: 'text/calendar', content: 'x' }] }),
    ).rejects.toThrow(/only possible by email/);
    await n.mailer.close();
    const count = await database.db.kysely.selectFrom('notify_messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });
});
