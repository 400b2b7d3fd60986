import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import { LogMailer, SmtpMailer, createMailer } from './mailer.ts';

const log = createLogger({ level: 'silent' });

interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

/** A real SMTP server on a random local port that keeps what it receives and can refuse recipients. */
async function startSmtp(options: { reject?: RegExp; tempFail?: RegExp } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (options.reject?.test(address.address)) {
        const err = new Error('no such mailbox') as Error & { responseCode: number };
        err.responseCode = 550;
        return cb(err);
      }
      if (options.tempFail?.test(address.address)) {
        const err = new Error('try later') as Error & { responseCode: number };
        err.responseCode = 451;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('SmtpMailer against a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp({ reject: /^nobody@/, tempFail: /^busy@/ });
  });
  afterAll(async () => smtp.close());

  it('delivers text, HTML, headers and an .ics attachment that parse back intact', async () => {
    const mailer = new SmtpMailer(smtp.url, 'Sanctuary <no-reply@city.example>', log);
    const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n';
    const outcome = await mailer.send({
      to: 'resident@example.org',
      subject: 'Cita confirmada — ñandú',
      text: 'Hola\n\nSu cita es el lunes.',
      html: '<p>Hola</p>',
      language: 'es',
      attachments: [{ filename: 'cita.ics', contentType: 'text/calendar', content: ics }],
    });
    await mailer.close();
    expect(outcome.ok).toBe(true);
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0];
    expect(got?.to).toEqual(['resident@example.org']);
    expect(got?.from).toBe('no-reply@city.example');
    const parsed = await simpleParser(got?.raw ?? Buffer.alloc(0));
    expect(parsed.subject).toBe('Cita confirmada — ñandú');
    expect(parsed.text?.trim()).toBe('Hola\n\nSu cita es el lunes.');
    expect(parsed.html).toContain('<p>Hola</p>');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.headers.get('content-language')).toBe('es');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]?.filename).toBe('cita.ics');
    expect(parsed.attachments[0]?.contentType).toBe('text/calendar');
    expect(parsed.attachments[0]?.content.toString('utf8')).toBe(ics);
  });

  it('reports a 5xx rejection as final and a 4xx as worth retrying', async () => {
    const mailer = new SmtpMailer(smtp.url, 'no-reply@city.example', log);
    const permanent = await mailer.send({ to: 'nobody@example.org', subject: 's', text: 't' });
    const temporary = await mailer.send({ to: 'busy@example.org', subject: 's', text: 't' });
    await mailer.close();
    expect(permanent).toEqual({ ok: false, retry: false, code: 'smtp_550' });
    expect(temporary).toEqual({ ok: false, retry: true, code: 'smtp_451' });
  });

  it('reports an unreachable server as worth retrying', async () => {
    const dead = await startSmtp();
    await dead.close();
    const mailer = new SmtpMailer(dead.url, 'no-reply@city.example', log);
    const outcome = await mailer.send({ to: 'a@example.org', subject: 's', text: 't' });
    await mailer.close();
    expect(outcome.ok).toBe(false);
    expect(outcome.ok === false && outcome.retry).toBe(true);
  });
});

describe('createMailer', () => {
  it('uses SMTP when SMTP_URL is set and the log otherwise', () => {
    expect(createMailer({ smtpUrl: 'smtp://127.0.0.1:2525', mailFrom: 'a@b.example', log }).kind).toBe('smtp');
    expect(createMailer({ smtpUrl: undefined, mailFrom: 'a@b.example', log })).toBeInstanceOf(LogMailer);
  });
});
