import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../crypto/random.ts';
import { AppError } from './errors.ts';

export const CSRF_COOKIE = '__Host-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Returns this browser's CSRF token, setting the cookie on first use. The token is a random value kept in
 * a `__Host-` cookie (which no subdomain can overwrite) and echoed in every form (double submit).
 */
export function csrfToken(req: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = req.cookies[CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{32,64}$/.test(existing)) return existing;
  const token = randomToken(32);
  req.cookies[CSRF_COOKIE] = token;
  reply.setCookie(CSRF_COOKIE, token, { path: '/', httpOnly: true, secure, sameSite: 'lax' });
  return token;
}

function same(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/**
 * Rejects a state-changing request unless it comes from our own pages: the browser must not label it
 * cross-site (Sec-Fetch-Site / Origin), and the submitted token must match the cookie. API requests
 * authenticated by a bearer token carry no cookies and are exempt (they are not vulnerable to CSRF).
 */
export function verifyCsrf(req: FastifyRequest, baseUrl: string): void {
  if (SAFE_METHODS.has(req.method)) return;
  if (req.headers.authorization?.startsWith('Bearer ') && !req.headers.cookie) return;
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site') throw new AppError('csrf');
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    const expected = new URL(baseUrl).origin;
    const host = req.headers.host;
    if (origin !== expected && !(host && (origin === `http://${host}` || origin === `https://${host}`))) {
      throw new AppError('csrf');
    }
  }
  const cookie = req.cookies[CSRF_COOKIE];
  const body = req.body as Record<string, unknown> | undefined;
  const submitted = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? req.headers['x-csrf-token'];
  if (!cookie || typeof submitted !== 'string' || !same(cookie, submitted)) throw new AppError('csrf');
}
