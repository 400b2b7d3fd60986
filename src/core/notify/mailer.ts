import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { SMTPSentMessageInfo, SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type { Logger } from 'pino';
import { randomId } from '../crypto/random.ts';

/** A file sent with a message (e.g. an `.ics` invitation from the appointments module). */
export interface MailAttachment {
  filename: string;
  contentType: string;
  /** Raw bytes, or UTF-8 text. */
  content: Buffer | string;
}

/** One rendered email, ready to send. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** BCP 47 language of the body (`Content-Language`). */
  language?: string;
  attachments?: readonly MailAttachment[];
}

/** What happened to one send attempt; `retry` says whether trying again later can help. */
export type SendOutcome =
  | { ok: true; providerId: string | undefined }
  | { ok: false; retry: boolean; code: string };

/** Sends email. Implementations never log addresses, subjects or bodies. */
export interface Mailer {
  readonly kind: 'smtp' | 'log';
  send(mail: OutgoingMail): Promise<SendOutcome>;
  close(): Promise<void>;
}

/** True for SMTP reply codes that mean "this will never be delivered" (5xx), per RFC 5321 §4.2.1. */
function isPermanent(responseCode: number | undefined): boolean {
  return responseCode !== undefined && responseCode >= 500 && responseCode < 600;
}

/**
 * Email over SMTP with nodemailer. `SMTP_URL` is a nodemailer connection URL (`smtp://user:pass@host:587`
 * for STARTTLS, `smtps://…:465` for implicit TLS); query parameters become transport options, e.g.
 * `?requireTLS=true` to refuse a server that does not offer STARTTLS.
 */
export class SmtpMailer implements Mailer {
  readonly kind = 'smtp' as const;
  private readonly transport: Mail<SMTPSentMessageInfo, SMTPTransportOptions>;

  constructor(
    url: string,
    private readonly from: string,
    private readonly log: Logger,
  ) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(mail: OutgoingMail): Promise<SendOutcome> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // Tells mail servers and autoresponders that no human sent this (RFC 3834): no vacation replies.
        headers: { 'Auto-Submitted': 'auto-generated', ...(mail.language ? { 'Content-Language': mail.language } : {}) },
        attachments: (mail.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return { ok: true, providerId: info.messageId };
    } catch (err) {
      const e = err as { code?: string; responseCode?: number };
      const code = e.responseCode !== undefined ? `smtp_${e.responseCode}` : (e.code ?? 'smtp_error');
      this.log.warn({ channel: 'email', errorCode: code }, 'email send failed');
      return { ok: false, retry: !isPermanent(e.responseCode), code };
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/**
 * For demos and development without a mail server: records that an email would have been sent, with a
 * random id, and nothing about its recipient or content.
 */
export class LogMailer implements Mailer {
  readonly kind = 'log' as const;
  constructor(private readonly log: Logger) {}

  async send(mail: OutgoingMail): Promise<SendOutcome> {
    const providerId = `log-${randomId()}`;
    this.log.info({ channel: 'email', providerId, attachments: mail.attachments?.length ?? 0 }, 'email delivered to the log (no SMTP_URL set)');
    return { ok: true, providerId };
  }

  async close(): Promise<void> {}
}

/** The mailer the configuration asks for: SMTP when `SMTP_URL` is set, the log otherwise. */
export function createMailer(options: { smtpUrl: string | undefined; mailFrom: string; log: Logger }): Mailer {
  return options.smtpUrl ? new SmtpMailer(options.smtpUrl, options.mailFrom, options.log) : new LogMailer(options.log);
}
