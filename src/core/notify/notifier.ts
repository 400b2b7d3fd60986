import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { z } from 'zod';
import { randomId } from '../crypto/random.ts';
import type { Vault } from '../crypto/vault.ts';
import type { Db } from '../db/database.ts';
import { type Executor, inTransaction } from '../db/transaction.ts';
import { type Locale, isLocale } from '../i18n/locales.ts';
import type { MessageValues, Messages } from '../i18n/messages.ts';
import type { Jurisdiction } from '../jurisdiction/index.ts';
import { type MailAttachment, type Mailer, type SendOutcome, createMailer } from './mailer.ts';
import { notifyRepo, type NotifyMessageRow } from './notify.repo.ts';
import { E164, type SmsProvider, createSmsProvider } from './sms.ts';
import { type Channel, type RenderedMessage, hasTemplate, renderTemplate } from './templates.ts';

/** What the notifier needs from the vault: sealing and opening under the recipient's data key. */
export type SubjectSealer = Pick<Vault, 'seal' | 'open'>;

/** What a caller asks to send. */
export interface NotifyInput {
  channel: Channel;
  /** An email address, or an E.164 phone number for SMS. */
  to: string;
  /** A template id: a message-key prefix such as `notify.demandNotice` (see `templates.ts`). */
  template: string;
  values?: MessageValues;
  locale: Locale;
  /** The vault subject (the recipient, in the program that holds their contact details). */
  subjectRef: string;
  /** What the message is about, by type and id (for status pages); never a personal value. */
  about?: { type: string; id: string };
  /** Email only, e.g. an `.ics` invitation. At most 5 files and 1 MB together. */
  attachments?: readonly MailAttachment[];
}

/** Thrown for a message that cannot be queued (bad address, unknown template, oversize attachment). */
export class NotifyInputError extends Error {
  constructor(readonly field: 'to' | 'template' | 'attachments' | 'locale' | 'subjectRef' | 'about', message: string) {
    super(`notify: ${field} ${message}`);
    this.name = 'NotifyInputError';
  }
}

/**
 * Days after which a message's address and content are erased when the jurisdiction profile does not say
 * (`retention["notify.message-recipient-data"]`; Notify.gov keeps recipient data seven days).
 */
export const MESSAGE_BODY_RETENTION_DAYS = 7;
/** Back-off between attempts; after the last one the message is `failed`. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 6 * 60 * 60_000] as const;
const LEASE_MS = 5 * 60_000;
const MAX_ATTACHMENT_BYTES = 1024 * 1024;
const MAX_ATTACHMENTS = 5;
const DAY_MS = 86_400_000;

const email = z.email();

interface StoredContent extends RenderedMessage {
  attachments?: Array<{ filename: string; contentType: string; base64: string }>;
}

/** Counts of one delivery run (no personal data; safe to log and to return from a job). */
export interface DeliveryReport {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Outbound notifications: renders a template in the recipient's language, seals address and content under
 * the recipient's data key, queues the message in `notify_messages` (so a restart loses nothing), and sends
 * due messages by email (SMTP) or SMS in a job. Contents are erased after seven days.
 */
export class Notifier {
  constructor(
    private readonly deps: {
      db: Db;
      messages: Messages;
      sealer: SubjectSealer;
      mailer: Mailer;
      sms: SmsProvider;
      log: Logger;
      now: () => Date;
      cityName: string;
      /** Days before address and content are erased (default {@link MESSAGE_BODY_RETENTION_DAYS}). */
      retentionDays?: number;
    },
  ) {}

  get mailer(): Mailer {
    return this.deps.mailer;
  }

  get sms(): SmsProvider {
    return this.deps.sms;
  }

  /**
   * Renders and queues one message. Pass the caller's transaction so the message is queued if and only if
   * the action that caused it commits. Returns the message id.
   */
  async enqueue(input: NotifyInput, tx?: Executor): Promise<string> {
    const to = input.to.trim();
    if (input.channel === 'email' ? !email.safeParse(to).success : !E164.test(to)) {
      throw new NotifyInputError('to', input.channel === 'email' ? 'is not an email address' : 'is not an E.164 phone number');
    }
    if (!isLocale(input.locale)) throw new NotifyInputError('locale', 'is not a supported locale');
    if (!hasTemplate(this.deps.messages, input.template, input.channel)) {
      throw new NotifyInputError('template', `"${input.template}" has no ${input.channel} message`);
    }
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(input.subjectRef)) throw new NotifyInputError('subjectRef', 'is not a subject id');
    if (input.about && (!/^[a-z][a-z0-9.-]{0,63}$/.test(input.about.type) || !/^[A-Za-z0-9_-]{1,64}$/.test(input.about.id))) {
      throw new NotifyInputError('about', 'must be a type code and an id');
    }
    const attachments = input.attachments ?? [];
    if (attachments.length > 0 && input.channel !== 'email') throw new NotifyInputError('attachments', 'are only possible by email');
    if (attachments.length > MAX_ATTACHMENTS) throw new NotifyInputError('attachments', `are limited to ${MAX_ATTACHMENTS}`);
    const stored = attachments.map((a) => ({
      filename: a.filename.replace(/[\r\n"\\/]/g, '_').slice(0, 120),
      contentType: a.contentType,
      base64: Buffer.from(a.content).toString('base64'),
    }));
    const bytes = attachments.reduce((n, a) => n + Buffer.byteLength(a.content), 0);
    if (bytes > MAX_ATTACHMENT_BYTES) throw new NotifyInputError('attachments', 'are larger than 1 MB together');

    const rendered = renderTemplate(this.deps.messages, {
      template: input.template,
      channel: input.channel,
      locale: input.locale,
      values: input.values ?? {},
      cityName: this.deps.cityName,
    });
    const content: StoredContent = { ...rendered, ...(stored.length > 0 ? { attachments: stored } : {}) };
    const id = randomId();
    const now = this.deps.now().toISOString();
    const place = (column: string) => ({ table: 'notify_messages', column, rowId: id });
    // Sealed before the transaction, so the caller's transaction holds its locks no longer than needed.
    const recipientSealed = await this.deps.sealer.seal(input.subjectRef, to, place('recipient_sealed'));
    const contentSealed = await this.deps.sealer.seal(input.subjectRef, JSON.stringify(content), place('content_sealed'));
    const write = async (db: Executor) => {
      await notifyRepo.insert(db, {
        id,
        channel: input.channel,
        template: input.template,
        locale: input.locale,
        subject_id: input.subjectRef,
        related_type: input.about?.type ?? null,
        related_id: input.about?.id ?? null,
        recipient_sealed: recipientSealed,
        content_sealed: contentSealed,
        status: 'queued',
        attempts: 0,
        next_attempt_at: now,
        lease_until: null,
        last_error: null,
        provider_id: null,
        created_at: now,
        sent_at: null,
        purged_at: null,
      });
    };
    if (tx) await write(tx);
    else await inTransaction(this.deps.db, write);
    this.deps.log.info({ messageId: id, channel: input.channel, template: input.template }, 'notification queued');
    return id;
  }

  /** Sends every due message (at most `limit`), one at a time. Run by the notification job. */
  async deliverDue(options: { limit?: number } = {}): Promise<DeliveryReport> {
    const report: DeliveryReport = { claimed: 0, sent: 0, retried: 0, failed: 0 };
    const nowIso = this.deps.now().toISOString();
    const ids = await notifyRepo.dueIds(this.deps.db.kysely, nowIso, options.limit ?? 100);
    for (const id of ids) {
      const outcome = await this.deliverOne(id);
      if (outcome === 'skipped') continue;
      report.claimed++;
      report[outcome]++;
    }
    return report;
  }

  /** Claims, opens, sends and records one message. */
  private async deliverOne(id: string): Promise<'sent' | 'retried' | 'failed' | 'skipped'> {
    const db = this.deps.db.kysely;
    const now = this.deps.now();
    const row = await notifyRepo.claim(db, id, now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString());
    if (!row) return 'skipped';
    const attempts = row.attempts + 1;
    let opened: { to: string; content: StoredContent };
    try {
      opened = await this.open(row);
    } catch (err) {
      // The recipient's key is gone (forgotten) or the row was tampered with: this message can never be sent.
      this.deps.log.warn({ messageId: id, errorType: (err as Error).name }, 'notification could not be opened');
      await notifyRepo.markFailed(db, id, attempts, 'undecryptable');
      return 'failed';
    }
    let outcome: SendOutcome;
    try {
      outcome =
        row.channel === 'email'
          ? await this.deps.mailer.send({
              to: opened.to,
              subject: opened.content.subject ?? '',
              text: opened.content.text,
              html: opened.content.html,
              language: row.locale,
              attachments: (opened.content.attachments ?? []).map((a) => ({
                filename: a.filename,
                contentType: a.contentType,
                content: Buffer.from(a.base64, 'base64'),
              })),
            })
          : await this.deps.sms.send({ to: opened.to, body: opened.content.text });
    } catch {
      outcome = { ok: false, retry: true, code: 'send_error' };
    }
    const at = this.deps.now();
    if (outcome.ok) {
      await notifyRepo.markSent(db, id, at.toISOString(), attempts, outcome.providerId);
      return 'sent';
    }
    const delay = RETRY_DELAYS_MS[attempts - 1];
    if (outcome.retry && delay !== undefined) {
      await notifyRepo.markRetry(db, id, attempts, new Date(at.getTime() + delay).toISOString(), outcome.code);
      return 'retried';
    }
    await notifyRepo.markFailed(db, id, attempts, outcome.code);
    return 'failed';
  }

  private async open(row: NotifyMessageRow): Promise<{ to: string; content: StoredContent }> {
    if (row.recipient_sealed === null || row.content_sealed === null) throw new Error('message content was purged');
    const place = (column: string) => ({ table: 'notify_messages', column, rowId: row.id });
    const to = await this.deps.sealer.open(row.subject_id, row.recipient_sealed, place('recipient_sealed'));
    const content = JSON.parse(await this.deps.sealer.open(row.subject_id, row.content_sealed, place('content_sealed'))) as StoredContent;
    return { to, content };
  }

  /**
   * Erases address and content of messages queued more than the retention period ago (seven days unless the
   * jurisdiction says otherwise), keeping when, channel, template and status. Counting from queuing, not from
   * sending, erases no later than the profile's "days after sent" and also erases what could never be sent.
   * Run daily by `notify.purge-contents`. Returns how many messages were purged.
   */
  async purgeBodies(): Promise<number> {
    const now = this.deps.now();
    const days = this.deps.retentionDays ?? MESSAGE_BODY_RETENTION_DAYS;
    const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
    const n = await notifyRepo.purgeBefore(this.deps.db.kysely, cutoff, now.toISOString());
    if (n > 0) this.deps.log.info({ purged: n }, 'notification contents purged');
    return n;
  }

  /** Status of messages by id (for pages that track a notice). */
  async statuses(ids: readonly string[]): Promise<Map<string, string>> {
    return notifyRepo.statusOf(this.deps.db.kysely, ids);
  }
}

/** Anything that carries the notifier (the application context). */
export interface HasNotifier {
  notifier: Notifier;
}

/**
 * Queues a notification: `notify(ctx, { channel, to, template, values, locale, subjectRef })`. Pass `tx` to
 * queue it inside the caller's transaction. Returns the message id.
 */
export async function notify(ctx: HasNotifier, input: NotifyInput, tx?: Executor): Promise<string> {
  return ctx.notifier.enqueue(input, tx);
}

/** The notifier the configuration asks for: SMTP or the log for email, the HTTP gateway or the log for SMS. */
export function createNotifier(options: {
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'sms'>;
  db: Db;
  messages: Messages;
  sealer: SubjectSealer;
  log: Logger;
  now: () => Date;
  jurisdiction: Jurisdiction;
}): Notifier {
  const { config, log, jurisdiction } = options;
  return new Notifier({
    db: options.db,
    messages: options.messages,
    sealer: options.sealer,
    mailer: createMailer({ smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, log }),
    sms: createSmsProvider({ sms: config.sms, log }),
    log,
    now: options.now,
    cityName: jurisdiction.place.cityName.value,
    retentionDays: jurisdiction.retention['notify.message-recipient-data']?.value.maxDays,
  });
}
