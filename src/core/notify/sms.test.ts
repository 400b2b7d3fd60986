import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import { HttpSmsProvider, LogSmsProvider, createSmsProvider } from './sms.ts';

interface Hit {
  method: string;
  auth: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

/** A real HTTP gateway on a random port; the status it answers depends on the number. */
async function startGateway() {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string };
      hits.push({ method: req.method ?? '', auth: req.headers.authorization, contentType: req.headers['content-type'], body });
      if (body.to.endsWith('0400')) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid number"}');
      } else if (body.to.endsWith('0503')) {
        res.writeHead(503).end();
      } else if (body.to.endsWith('0429')) {
        res.writeHead(429).end();
      } else if (body.to.endsWith('0999')) {
        setTimeout(() => res.writeHead(200).end('{}'), 2_000);
      } else {
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"sid":"SM123"}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    hits,
    url: `http://127.0.0.1:${port}/messages`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

function capturingLog() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { lines, log: createLogger({ level: 'info', destination }) };
}

describe('HttpSmsProvider against a real HTTP server', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => gw.close());

  it('POSTs JSON with the bearer token and keeps the provider id', async () => {
    const { log } = capturingLog();
    const sms = new HttpSmsProvider({ url: gw.url, token: 'tok-123', log });
    const outcome = await sms.send({ to: '+16125550100', body: 'Hola — su cita es mañana' });
    expect(outcome).toEqual({ ok: true, providerId: 'SM123' });
    const hit = gw.hits.at(-1);
    expect(hit?.method).toBe('POST');
    expect(hit?.auth).toBe('Bearer tok-123');
    expect(hit?.contentType).toBe('application/json');
    expect(hit?.body).toEqual({ to: '+16125550100', body: 'Hola — su cita es mañana' });
  });

  it('treats 4xx as final, 429 and 5xx as retryable, and a slow gateway as a timeout', async () => {
    const { log, lines } = capturingLog();
    const sms = new HttpSmsProvider({ url: gw.url, token: undefined, log, timeoutMs: 300 });
    expect(await sms.send({ to: '+16125550400', body: 'x' })).toEqual({ ok: false, retry: false, code: 'sms_http_400' });
    expect(await sms.send({ to: '+16125550503', body: 'x' })).toEqual({ ok: false, retry: true, code: 'sms_http_503' });
    expect(await sms.send({ to: '+16125550429', body: 'x' })).toEqual({ ok: false, retry: true, code: 'sms_http_429' });
    expect(await sms.send({ to: '+16125550999', body: 'x' })).toEqual({ ok: false, retry: true, code: 'sms_timeout' });
    // Failures are logged by code only: no number, no text.
    expect(lines.join('')).not.toMatch(/6125550|"x"/);
  });
});

describe('LogSmsProvider', () => {
  it('logs that a message was sent, never its number or text', async () => {
    const { log, lines } = capturingLog();
    const outcome = await new LogSmsProvider(log).send({ to: '+16125550177', body: 'Secret appointment at 10:00' });
    expect(outcome.ok).toBe(true);
    const out = lines.join('');
    expect(out).toContain('sms delivered to the log');
    expect(out).not.toContain('6125550177');
    expect(out).not.toContain('Secret appointment');
  });
});

describe('createSmsProvider', () => {
  it('follows SMS_PROVIDER', () => {
    const log = createLogger({ level: 'silent' });
    expect(createSmsProvider({ sms: { provider: 'log', url: undefined, token: undefined }, log }).kind).toBe('log');
    expect(createSmsProvider({ sms: { provider: 'http', url: 'https://sms.example/send', token: 't' }, log }).kind).toBe('http');
    expect(() => createSmsProvider({ sms: { provider: 'http', url: undefined, token: undefined }, log })).toThrow(/SMS_HTTP_URL/);
  });
});
