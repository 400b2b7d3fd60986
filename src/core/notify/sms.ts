import type { Logger } from 'pino';
import { randomId } from '../crypto/random.ts';
import type { SendOutcome } from './mailer.ts';

/** One text message, ready to send. `to` is an E.164 number (`+16125550123`). */
export interface OutgoingSms {
  to: string;
  body: string;
}

/**
 * Sends text messages. A commercial gateway is reached through {@link HttpSmsProvider}; other gateways
 * implement this interface. Implementations never log numbers or bodies.
 */
export interface SmsProvider {
  readonly kind: 'http' | 'log';
  send(sms: OutgoingSms): Promise<SendOutcome>;
}

/** E.164: a plus sign and 8 to 15 digits, no leading zero. */
export const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * A generic HTTP gateway: `POST <url>` with `Authorization: Bearer <token>` and the JSON body
 * `{ "to": "+1612…", "body": "…" }`. A 2xx answer is success (its JSON `id`, `sid` or `messageId`, if any,
 * is kept as the provider's reference); 408, 425, 429, 5xx and network errors are retried later; any other
 * 4xx is final (bad number, rejected content). Most commercial gateways accept this shape directly or via a
 * small relay.
 */
export class HttpSmsProvider implements SmsProvider {
  readonly kind = 'http' as const;

  constructor(
    private readonly options: { url: string; token: string | undefined; log: Logger; timeoutMs?: number; fetch?: typeof fetch },
  ) {}

  async send(sms: OutgoingSms): Promise<SendOutcome> {
    const doFetch = this.options.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: JSON.stringify({ to: sms.to, body: sms.body }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
    } catch (err) {
      const code = (err as { name?: string }).name === 'TimeoutError' ? 'sms_timeout' : 'sms_network';
      this.options.log.warn({ channel: 'sms', errorCode: code }, 'sms send failed');
      return { ok: false, retry: true, code };
    }
    const text = await res.text().catch(() => '');
    if (res.ok) {
      let providerId: string | undefined;
      try {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        const id = parsed.id ?? parsed.sid ?? parsed.messageId;
        if (typeof id === 'string' || typeof id === 'number') providerId = String(id).slice(0, 200);
      } catch {
        // A gateway that answers 2xx without JSON still accepted the message.
      }
      return { ok: true, providerId };
    }
    const retry = res.status === 408 || res.status === 425 || res.status === 429 || res.status >= 500;
    const code = `sms_http_${res.status}`;
    this.options.log.warn({ channel: 'sms', errorCode: code }, 'sms send failed');
    return { ok: false, retry, code };
  }
}

/** For demos: logs that an SMS was sent — never the number or the text. */
export class LogSmsProvider implements SmsProvider {
  readonly kind = 'log' as const;
  constructor(private readonly log: Logger) {}

  async send(sms: OutgoingSms): Promise<SendOutcome> {
    const providerId = `log-${randomId()}`;
    this.log.info({ channel: 'sms', providerId, segments: Math.max(1, Math.ceil(sms.body.length / 153)) }, 'sms delivered to the log (SMS_PROVIDER=log)');
    return { ok: true, providerId };
  }
}

/** The SMS provider the configuration asks for (`SMS_PROVIDER=log|http`). */
export function createSmsProvider(options: {
  sms: { provider: 'log' | 'http'; url: string | undefined; token: string | undefined };
  log: Logger;
}): SmsProvider {
  if (options.sms.provider === 'http') {
    if (!options.sms.url) throw new Error('SMS_HTTP_URL is required when SMS_PROVIDER=http');
    return new HttpSmsProvider({ url: options.sms.url, token: options.sms.token, log: options.log });
  }
  return new LogSmsProvider(options.log);
}
