/**
 * Compressed responses for what is the same for everyone: the static assets (the USWDS stylesheet is 527 KB as
 * it is, 46 KB with Brotli) and the anonymous pages kept in memory ({@link FastifyReply.cachedPage}). Each is
 * compressed once, off the event loop, with Brotli and gzip, and sent in the best encoding the browser
 * accepts: a home page of about 9 KB goes out as about 2 KB, which matters on a prepaid phone plan and makes
 * each response cheaper to send. A page is compressed when it is asked for a second time (a URL made up once
 * is never compressed), one page at a time.
 *
 * Only pages that carry no secret are compressed. A page with a CSRF token (or anything personal) is never
 * cached, so never compressed here: compressing a secret next to text an attacker can put on the page lets
 * the attacker guess the secret from the response's size (the BREACH attack).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyReply, preHandlerHookHandler } from 'fastify';

/** A cached page: its bytes, how often it was sent, and its compressed forms once they are ready. */
export interface CachedPage {
  readonly identity: Buffer;
  sent: number;
  br?: Buffer;
  gzip?: Buffer;
}

/** Keeps `bytes` as a page (sent as they are until a second visit has them compressed). */
export function cachePage(bytes: Buffer): CachedPage {
  return { identity: bytes, sent: 0 };
}

// One page is compressed at a time: a visitor who asks for a thousand made-up URLs (each a page of its own)
// cannot make the server compress a thousand pages at once.
let compressing = false;

/**
 * Compresses a page in the background, off the event loop: Brotli at its best quality (about 10 ms for a
 * 9 KB page, once) and gzip. Only a page asked for a second time, and only when no other is being compressed.
 */
function compressPage(page: CachedPage): void {
  if (compressing || page.br !== undefined || page.gzip !== undefined) return;
  compressing = true;
  const bytes = page.identity;
  compressBoth(bytes, zlib.constants.BROTLI_MAX_QUALITY, (br, gzip) => {
    compressing = false;
    // A compressed form larger than the page (a tiny page) is not worth a header: it is left out.
    if (gzip && gzip.length < bytes.length) page.gzip = gzip;
    if (br && br.length < bytes.length) page.br = br;
  });
}

/** Brotli (at `quality`, text mode) and gzip (best) of `bytes` on the thread pool; a form that failed is `undefined`. */
function compressBoth(bytes: Buffer, quality: number, done: (br: Buffer | undefined, gzip: Buffer | undefined) => void): void {
  const brotli = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } };
  zlib.brotliCompress(bytes, brotli, (brErr, br) => {
    zlib.gzip(bytes, { level: zlib.constants.Z_BEST_COMPRESSION }, (gzErr, gzip) => done(brErr ? undefined : br, gzErr ? undefined : gzip));
  });
}

/** Sends a cached page as HTML in the best form the request accepts. */
export function sendCachedPage(reply: FastifyReply, page: CachedPage): FastifyReply {
  reply.code(200).type('text/html; charset=utf-8').header('vary', 'accept-encoding');
  const accepted = acceptedCodings(reply.request.headers['accept-encoding']);
  if (++page.sent > 1 && accepted !== 0 && page.gzip === undefined) compressPage(page);
  if (accepted & BR && page.br) return reply.header('content-encoding', 'br').send(page.br);
  if (accepted & GZIP && page.gzip) return reply.header('content-encoding', 'gzip').send(page.gzip);
  return reply.send(page.identity);
}

/** Bits of {@link acceptedCodings}. */
export const BR = 1;
export const GZIP = 2;

// Browsers send a handful of distinct Accept-Encoding values: each is parsed once.
const parsed = new Map<string, number>();
const PARSED_ENTRIES = 64;

/**
 * Which of Brotli ({@link BR}) and gzip ({@link GZIP}) a request's `Accept-Encoding` accepts (RFC 9110
 * §12.5.3), as bits; 0 means send the bytes as they are. A coding with `q=0` is refused, `*` stands for any
 * coding not named, `x-gzip` is gzip. Brotli is preferred when both are accepted, whatever their order or q.
 */
export function acceptedCodings(header: string | string[] | undefined): number {
  if (typeof header !== 'string' || header.length === 0) return 0;
  const known = parsed.get(header);
  if (known !== undefined) return known;
  const prefs = parseAcceptEncoding(header);
  const bits = (qualityOf(prefs, 'br') > 0 ? BR : 0) | (qualityOf(prefs, 'gzip') > 0 ? GZIP : 0);
  if (header.length <= 200) {
    if (parsed.size >= PARSED_ENTRIES) parsed.clear();
    parsed.set(header, bits);
  }
  return bits;
}

function parseAcceptEncoding(header: string): Map<string, number> {
  const prefs = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';');
    const coding = name.trim().toLowerCase();
    if (coding === '') continue;
    let q = 1;
    for (const param of params) {
      const [k = '', v = ''] = param.split('=');
      if (k.trim().toLowerCase() !== 'q') continue;
      const value = v.trim();
      // RFC 9110 qvalue: a number from 0 to 1 (at most three decimals); anything else is treated as absent.
      const n = Number(value);
      q = value !== '' && value.length <= 5 && n >= 0 && n <= 1 ? n : 1;
    }
    if (!prefs.has(coding)) prefs.set(coding, q);
  }
  return prefs;
}

function qualityOf(prefs: Map<string, number>, coding: string): number {
  const own = prefs.get(coding) ?? (coding === 'gzip' ? prefs.get('x-gzip') : undefined);
  return own ?? prefs.get('*') ?? 0;
}

// ---------------------------------------------------------------------------------------------------------
// Static assets

/** Where a prefix of URLs is served from. */
export interface AssetRoot {
  prefix: string;
  root: string;
}

/** The text assets worth compressing, with the type they are sent as. */
const COMPRESSIBLE: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Files this size or smaller get Brotli's best quality; larger ones quality 9 (a 527 KB stylesheet: 0.65 s → 32 ms, 40 → 46 KB). */
const BEST_QUALITY_BYTES = 128 * 1024;
const LARGEST_ASSET_BYTES = 4 * 1024 * 1024;
const ASSET_ENTRIES = 256;

interface CompressedAsset {
  mtimeMs: number;
  size: number;
  type: string;
  /** A short hash of the file's bytes: with the coding, the asset's ETag. */
  tag: string;
  br: Buffer;
  gzip: Buffer;
}

// Shared by every server in the process (tests build many): each file is compressed once.
const assets = new Map<string, CompressedAsset | 'pending'>();

/**
 * A `preHandler` hook for the static asset routes (after the platform's own request hooks, so the security
 * headers are set): a text asset asked for with an Accept-Encoding that allows Brotli or gzip is answered
 * from memory, compressed. The first request of a file starts its compression in the background and is served
 * as it is by the static handler, as is everything else. A conditional request with the ETag gets 304. Paths
 * are checked as the static handler checks them: inside the root, no dot-files.
 */
export function compressedAssets(roots: readonly AssetRoot[], maxAgeSeconds: number): preHandlerHookHandler {
  const cacheControl = `public, max-age=${maxAgeSeconds}`;
  return (req, reply, done) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return done();
    const accepted = acceptedCodings(req.headers['accept-encoding']);
    if (accepted === 0) return done();
    const file = assetFile(roots, req.url);
    if (file === undefined) return done();
    const stat = fs.statSync(file.path, { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size > LARGEST_ASSET_BYTES) return done();
    const entry = assets.get(file.path);
    if (entry === undefined || (entry !== 'pending' && (entry.mtimeMs !== stat.mtimeMs || entry.size !== stat.size))) {
      compressAsset(file.path, file.type, stat);
      return done();
    }
    if (entry === 'pending') return done();
    const coding = accepted & BR ? 'br' : 'gzip';
    const etag = `"${entry.tag}-${coding}"`;
    reply.header('vary', 'accept-encoding').header('cache-control', cacheControl).header('etag', etag).type(entry.type);
    if (req.headers['if-none-match'] === etag) {
      reply.code(304).send();
      return;
    }
    reply.header('content-encoding', coding).send(entry[coding]);
  };
}

/** The file a URL names under one of the roots, if it is a compressible asset there. */
function assetFile(roots: readonly AssetRoot[], url: string): { path: string; type: string } | undefined {
  const q = url.indexOf('?');
  const urlPath = q === -1 ? url : url.slice(0, q);
  const at = roots.find((r) => urlPath.startsWith(r.prefix));
  if (!at) return undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.slice(at.prefix.length));
  } catch {
    return undefined;
  }
  if (rel.includes('\0') || rel.split(/[/\\]/).some((segment) => segment.startsWith('.'))) return undefined;
  const type = COMPRESSIBLE[path.extname(rel).toLowerCase()];
  if (type === undefined) return undefined;
  const root = path.resolve(at.root);
  const file = path.resolve(root, rel);
  return file.startsWith(root + path.sep) ? { path: file, type } : undefined;
}

function compressAsset(file: string, type: string, stat: fs.Stats): void {
  if (assets.size >= ASSET_ENTRIES && !assets.has(file)) return;
  assets.set(file, 'pending');
  const forget = () => assets.delete(file);
  fs.readFile(file, (readErr, bytes) => {
    if (readErr || bytes.length !== stat.size) return forget();
    const quality = bytes.length <= BEST_QUALITY_BYTES ? zlib.constants.BROTLI_MAX_QUALITY : 9;
    compressBoth(bytes, quality, (br, gzip) => {
      if (!br || !gzip) return forget();
      const tag = createHash('sha256').update(bytes).digest('base64url').slice(0, 16);
      assets.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, type, tag, br, gzip });
    });
  });
}
