/**
 * QR codes for credentials: making them (two segments, byte-mode `shc:/` then numeric-mode digits, as the
 * SMART Health Cards spec requires; version ≤ 22) and reading them back from an uploaded PNG or JPEG (pure
 * JavaScript decoders: pngjs, jpeg-js, jsQR) with limits on bytes and pixels, so a hostile image costs
 * bounded memory and time.
 */
import type jsQRModule from 'jsqr';
import type QRCode from 'qrcode';
import { lazyRequire } from '../../../core/lazy.ts';
import { MAX_QR_VERSION, SHC_PREFIX, jwsToDigits } from './credential.codec.ts';
import type { ReasonCode } from './credential.reasons.ts';

// The QR and image codecs load on first use, not at start (issue 2's idle memory).
const qrcode = lazyRequire<typeof import('qrcode')>('qrcode');
const jpegJs = lazyRequire<typeof import('jpeg-js')>('jpeg-js');
const pngJs = lazyRequire<typeof import('pngjs')>('pngjs');
// jsQR is CommonJS whose typings declare an ES default export; at run time the module itself is the function.
type JsQr = typeof jsQRModule.default;
const loadJsQr = lazyRequire<JsQr & { default?: JsQr }>('jsqr');
const jsQR: JsQr = (...args) => {
  const m = loadJsQr();
  return (m.default ?? m)(...args);
};

/** Error correction for printed cards: M survives a scuffed or slightly dirty card and keeps ours ≤ version 22. */
export const CARD_QR_ERROR_CORRECTION = 'M' as const;

/** The QR segments of a credential: byte `shc:/`, numeric digits. */
export function credentialSegments(jws: string): QRCode.QRCodeSegment[] {
  return [
    { data: Buffer.from(SHC_PREFIX, 'latin1'), mode: 'byte' },
    { data: jwsToDigits(jws), mode: 'numeric' },
  ];
}

/** A QR code's module matrix (for drawing it as vector shapes on a printed card). */
export interface QrMatrix {
  version: number;
  /** Modules per side (without the quiet zone). */
  size: number;
  /** Row-major, 1 = dark. */
  modules: Uint8Array;
}

/**
 * Lays out the QR code of a credential and checks it fits the spec's size limit.
 * @throws RangeError when it would need a version above 22 (the card's claims are too long).
 */
export function credentialQrMatrix(jws: string): QrMatrix {
  const qr = qrcode().create(credentialSegments(jws), { errorCorrectionLevel: CARD_QR_ERROR_CORRECTION });
  if (qr.version > MAX_QR_VERSION) throw new RangeError(`the credential needs QR version ${qr.version}; at most ${MAX_QR_VERSION} is allowed`);
  return { version: qr.version, size: qr.modules.size, modules: Uint8Array.from(qr.modules.data) };
}

/** The QR code as an SVG document (4-module quiet zone), e.g. for the card's HTML/PDF. */
export async function credentialQrSvg(jws: string): Promise<string> {
  credentialQrMatrix(jws);
  return qrcode().toString(credentialSegments(jws), { type: 'svg', errorCorrectionLevel: CARD_QR_ERROR_CORRECTION, margin: 4 });
}

/** The QR code as a PNG (`scale` pixels per module, 4-module quiet zone). */
export async function credentialQrPng(jws: string, options: { scale?: number } = {}): Promise<Buffer> {
  credentialQrMatrix(jws);
  return qrcode().toBuffer(credentialSegments(jws), { type: 'png', errorCorrectionLevel: CARD_QR_ERROR_CORRECTION, margin: 4, scale: options.scale ?? 6 });
}

/** Limits on an uploaded image. */
export const IMAGE_LIMITS = {
  /** Bytes of the file. */
  bytes: 2 * 1024 * 1024,
  /** Pixels per side and in total (a phone photo of a card is well within). */
  side: 4096,
  pixels: 12_000_000,
} as const;

/** A QR code read from an image: its text, version and segment modes. */
export interface DecodedQr {
  text: string;
  version: number;
  segments: string[];
}

/** Width and height from a PNG's IHDR or a JPEG's SOF marker, read before decoding so a huge image is refused cheaply. */
function imageSize(buf: Buffer): { kind: 'png' | 'jpeg'; width: number; height: number; interlaced?: boolean } | null {
  if (buf.length >= 29 && buf.readUInt32BE(0) === 0x89504e47 && buf.readUInt32BE(4) === 0x0d0a1a0a && buf.toString('latin1', 12, 16) === 'IHDR') {
    return { kind: 'png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), interlaced: buf[28] !== 0 };
  }
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    let i = 2;
    while (i + 9 < buf.length) {
      if (buf[i] !== 0xff) return null;
      const marker = buf[i + 1] ?? 0;
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      const len = buf.readUInt16BE(i + 2);
      // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { kind: 'jpeg', height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
      }
      if (len < 2) return null;
      i += 2 + len;
    }
  }
  return null;
}

/**
 * Finds and reads a QR code in a PNG or JPEG. Refuses files over {@link IMAGE_LIMITS} before decoding pixels.
 * Never throws.
 */
export function decodeQrImage(buf: Buffer): { ok: true; qr: DecodedQr } | { ok: false; reason: ReasonCode } {
  if (buf.length === 0) return { ok: false, reason: 'input_empty' };
  if (buf.length > IMAGE_LIMITS.bytes) return { ok: false, reason: 'image_too_large' };
  const size = imageSize(buf);
  if (!size || size.width < 1 || size.height < 1) return { ok: false, reason: 'image_unreadable' };
  if (size.width > IMAGE_LIMITS.side || size.height > IMAGE_LIMITS.side || size.width * size.height > IMAGE_LIMITS.pixels) {
    return { ok: false, reason: 'image_too_large' };
  }
  // pngjs inflates an interlaced PNG without an output limit: a small file could expand to gigabytes. Screenshots
  // and QR renderings are not interlaced, so such files are refused rather than risked.
  if (size.interlaced) return { ok: false, reason: 'image_unreadable' };
  let rgba: { data: Uint8ClampedArray; width: number; height: number };
  try {
    if (size.kind === 'png') {
      const png = pngJs().PNG.sync.read(buf);
      rgba = { data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height };
    } else {
      const img = jpegJs().decode(buf, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: IMAGE_LIMITS.pixels / 1_000_000,
        maxMemoryUsageInMB: 256,
      });
      rgba = { data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), width: img.width, height: img.height };
    }
  } catch {
    return { ok: false, reason: 'image_unreadable' };
  }
  if (rgba.width * rgba.height * 4 !== rgba.data.length) return { ok: false, reason: 'image_unreadable' };
  let found: ReturnType<typeof jsQR> | null;
  try {
    found = jsQR(rgba.data, rgba.width, rgba.height, { inversionAttempts: 'attemptBoth' });
  } catch {
    found = null;
  }
  if (!found) return { ok: false, reason: 'image_no_qr' };
  return { ok: true, qr: { text: found.data, version: found.version, segments: found.chunks.map((c) => String(c.type)) } };
}

/**
 * The spec's rules on the QR code itself, which only an image shows: version ≤ 22, and exactly two segments —
 * byte `shc:/` then numeric (a chunked code's byte segment is `shc:/i/n/`).
 */
export function qrImageProblem(qr: DecodedQr): ReasonCode | null {
  // Segments first: a code made of one byte segment is also oversized, but the segments are the cause.
  if (qr.segments.length !== 2 || qr.segments[0] !== 'byte' || qr.segments[1] !== 'numeric') return 'qr_segments';
  if (qr.version > MAX_QR_VERSION) return 'qr_version_too_high';
  return null;
}
