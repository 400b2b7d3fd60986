/**
 * The card holder's photo: the one image the whole platform stores (DESIGN §3.2: documents are looked at,
 * never copied). An upload — from the enrolment desk's camera (`<input type=file accept=image/* capture=user>`)
 * or a file — goes through this pipeline before anything is kept:
 *
 * 1. **Is it an image we read?** JPEG (`FF D8 FF`) or PNG (the 8-byte signature), by magic bytes — never by
 *    the file name or the browser's content type. At most {@link PHOTO_LIMITS}.bytes.
 * 2. **Bounded before decoding**: width and height are read from the PNG `IHDR` / JPEG `SOF` header, so an image
 *    that would take gigabytes to decode (a "decompression bomb") is refused without decoding it.
 * 3. **Full decode** with pure-JavaScript decoders (`jpeg-js`, `pngjs`): a truncated or malformed file is refused.
 * 4. **Upright**: a phone's EXIF orientation is applied to the pixels (the tag itself is not kept).
 * 5. **Re-encoded**: cropped to a passport-style 3:4 portrait around the centre, resized to
 *    {@link PORTRAIT}.width × height with area averaging, transparency flattened onto white, and encoded as a new
 *    baseline JPEG from the pixels alone. Nothing of the uploaded file survives but what the pixels show: no
 *    EXIF (GPS position, camera, time), no XMP, no ICC profile, no comments, no thumbnails, nothing appended.
 *
 * The caller seals the result with the vault (the holder's key); the upload itself is never written anywhere.
 */
import { lazyRequire } from '../../../core/lazy.ts';

// The codecs load on the first photo, not at start (issue 2's idle memory).
const jpegJs = lazyRequire<typeof import('jpeg-js')>('jpeg-js');
const pngJs = lazyRequire<typeof import('pngjs')>('pngjs');

/** Limits on an uploaded photo. */
export const PHOTO_LIMITS = {
  /** Bytes of the uploaded file (a phone photo is 2–6 MB). */
  bytes: 10 * 1024 * 1024,
  /** Longest side, in pixels. */
  maxSide: 8192,
  /** Total pixels (a 12-megapixel phone photo fits; the decoder's memory stays bounded). */
  maxPixels: 16_000_000,
  /** Shortest side: a smaller image cannot make a printable portrait. */
  minSide: 240,
} as const;

/** The stored portrait: 3:4, enough for a 24 × 32 mm print at about 380 dpi. */
export const PORTRAIT = { width: 360, height: 480, quality: 88 } as const;

/** Why a photo was refused; each is a message key `municipalId.enrol.photo.error.<code>`. */
export const PHOTO_PROBLEMS = ['empty', 'too-large', 'not-an-image', 'unreadable', 'too-small', 'too-many-pixels'] as const;
export type PhotoProblem = (typeof PHOTO_PROBLEMS)[number];

/** A refused photo. */
export class PhotoError extends Error {
  constructor(readonly problem: PhotoProblem) {
    super(`photo refused: ${problem}`);
    this.name = 'PhotoError';
  }
}

/** A re-encoded portrait. */
export interface Portrait {
  jpeg: Buffer;
  width: number;
  height: number;
}

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The kind of image by its first bytes, or null. */
export function sniffImage(buf: Buffer): 'jpeg' | 'png' | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  return null;
}

/** Walks a JPEG's marker segments up to the start of the scan, calling `visit` for each (marker, payload). */
function walkJpegSegments(buf: Buffer, visit: (marker: number, payload: Buffer) => boolean | void): void {
  let i = 2;
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff) return;
    const marker = buf[i + 1] ?? 0;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return; // start of scan / end of image
    const len = buf.readUInt16BE(i + 2);
    if (len < 2 || i + 2 + len > buf.length) return;
    if (visit(marker, buf.subarray(i + 4, i + 2 + len)) === true) return;
    i += 2 + len;
  }
}

/** Width and height from the header, without decoding pixels; null when there is none. */
export function imageDimensions(buf: Buffer, kind: 'jpeg' | 'png'): { width: number; height: number } | null {
  if (kind === 'png') {
    if (buf.length < 24 || buf.toString('latin1', 12, 16) !== 'IHDR') return null;
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  let size: { width: number; height: number } | null = null;
  walkJpegSegments(buf, (marker, payload) => {
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc && payload.length >= 5) {
      size = { height: payload.readUInt16BE(1), width: payload.readUInt16BE(3) };
      return true;
    }
    return false;
  });
  return size;
}

/**
 * The EXIF orientation (1–8) of a JPEG, or 1. Reads only IFD0's tag 0x0112 from the APP1 `Exif` segment; the
 * segment is dropped with everything else when the photo is re-encoded.
 */
export function exifOrientation(buf: Buffer): number {
  let orientation = 1;
  walkJpegSegments(buf, (marker, payload) => {
    if (marker !== 0xe1 || payload.length < 14 || payload.toString('latin1', 0, 6) !== 'Exif\0\0') return false;
    const tiff = payload.subarray(6);
    const little = tiff.toString('latin1', 0, 2) === 'II';
    if (!little && tiff.toString('latin1', 0, 2) !== 'MM') return true;
    const u16 = (o: number) => (little ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
    const u32 = (o: number) => (little ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
    if (tiff.length < 8 || u16(2) !== 42) return true;
    const ifd = u32(4);
    if (ifd + 2 > tiff.length) return true;
    const count = u16(ifd);
    for (let k = 0; k < count; k++) {
      const entry = ifd + 2 + k * 12;
      if (entry + 12 > tiff.length) break;
      if (u16(entry) === 0x0112) {
        const value = u16(entry + 8);
        if (value >= 1 && value <= 8) orientation = value;
        break;
      }
    }
    return true;
  });
  return orientation;
}

/** Decodes to RGBA, flattening transparency onto white. @throws PhotoError('unreadable') */
function decode(buf: Buffer, kind: 'jpeg' | 'png'): Rgba {
  let img: Rgba;
  try {
    if (kind === 'png') {
      const png = pngJs().PNG.sync.read(buf);
      img = { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
    } else {
      const decoded = jpegJs().decode(buf, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: PHOTO_LIMITS.maxPixels / 1_000_000,
        maxMemoryUsageInMB: 512,
      });
      // Only the pixels: the decoder also returns the EXIF block and comments, which must not travel on.
      img = { width: decoded.width, height: decoded.height, data: decoded.data };
    }
  } catch {
    throw new PhotoError('unreadable');
  }
  if (img.width < 1 || img.height < 1 || img.data.length !== img.width * img.height * 4) throw new PhotoError('unreadable');
  const d = img.data;
  for (let p = 0; p < d.length; p += 4) {
    const a = d[p + 3] as number;
    if (a === 255) continue;
    const keep = a / 255;
    d[p] = Math.round((d[p] as number) * keep + 255 * (1 - keep));
    d[p + 1] = Math.round((d[p + 1] as number) * keep + 255 * (1 - keep));
    d[p + 2] = Math.round((d[p + 2] as number) * keep + 255 * (1 - keep));
    d[p + 3] = 255;
  }
  return img;
}

/** Applies an EXIF orientation so the image is upright (orientations 2–8 mirror and/or rotate). */
export function applyOrientation(img: Rgba, orientation: number): Rgba {
  if (orientation <= 1 || orientation > 8) return img;
  const { width: w, height: h } = img;
  const swap = orientation >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new Uint8Array(ow * oh * 4);
  const src = new Uint32Array(img.data.buffer, img.data.byteOffset, w * h);
  const dst = new Uint32Array(out.buffer);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let nx: number;
      let ny: number;
      switch (orientation) {
        case 2: nx = w - 1 - x; ny = y; break;
        case 3: nx = w - 1 - x; ny = h - 1 - y; break;
        case 4: nx = x; ny = h - 1 - y; break;
        case 5: nx = y; ny = x; break;
        case 6: nx = h - 1 - y; ny = x; break;
        case 7: nx = h - 1 - y; ny = w - 1 - x; break;
        default: nx = y; ny = w - 1 - x; break; // 8
      }
      dst[ny * ow + nx] = src[y * w + x] as number;
    }
  }
  return { width: ow, height: oh, data: out };
}

/** The centred crop of the largest 3:4 (width:height) rectangle. */
function portraitCrop(width: number, height: number): { x: number; y: number; w: number; h: number } {
  const ratio = PORTRAIT.width / PORTRAIT.height;
  if (width / height > ratio) {
    const w = Math.round(height * ratio);
    return { x: Math.floor((width - w) / 2), y: 0, w, h: height };
  }
  const h = Math.round(width / ratio);
  // A little above centre: a face in a head-and-shoulders shot sits in the upper half.
  return { x: 0, y: Math.floor((height - h) * 0.4), w: width, h };
}

/**
 * Area-averaging resample of one axis: each output sample is the mean of the input samples it covers
 * (weighted by overlap), which keeps a downscale free of aliasing; for an upscale it is a box filter.
 */
function resampleAxis(src: Float32Array, srcLen: number, dstLen: number, lines: number, stride: number, step: number, lineStride: number, dstStride: number, dstStep: number, dstLineStride: number, dst: Float32Array): void {
  const scale = srcLen / dstLen;
  for (let line = 0; line < lines; line++) {
    for (let o = 0; o < dstLen; o++) {
      const start = o * scale;
      const end = Math.min(srcLen, start + Math.max(scale, 1));
      let acc0 = 0;
      let acc1 = 0;
      let acc2 = 0;
      let weight = 0;
      for (let s = Math.floor(start); s < end; s++) {
        const wgt = Math.min(s + 1, end) - Math.max(s, start);
        if (wgt <= 0) continue;
        const at = line * lineStride + s * step;
        acc0 += (src[at] as number) * wgt;
        acc1 += (src[at + stride] as number) * wgt;
        acc2 += (src[at + 2 * stride] as number) * wgt;
        weight += wgt;
      }
      const out = line * dstLineStride + o * dstStep;
      dst[out] = acc0 / weight;
      dst[out + dstStride] = acc1 / weight;
      dst[out + 2 * dstStride] = acc2 / weight;
    }
  }
}

/** Crops and resizes to the portrait size; returns RGBA. */
function toPortrait(img: Rgba): Rgba {
  const crop = portraitCrop(img.width, img.height);
  const { width: W, height: H } = PORTRAIT;
  // Planar RGB of the crop as floats.
  const plane = crop.w * crop.h;
  const src = new Float32Array(plane * 3);
  for (let y = 0; y < crop.h; y++) {
    for (let x = 0; x < crop.w; x++) {
      const s = ((crop.y + y) * img.width + (crop.x + x)) * 4;
      const p = y * crop.w + x;
      src[p] = img.data[s] as number;
      src[plane + p] = img.data[s + 1] as number;
      src[2 * plane + p] = img.data[s + 2] as number;
    }
  }
  // Horizontal: crop.w → W for each of crop.h rows.
  const mid = new Float32Array(W * crop.h * 3);
  resampleAxis(src, crop.w, W, crop.h, plane, 1, crop.w, W * crop.h, 1, W, mid);
  // Vertical: crop.h → H for each of W columns.
  const out = new Float32Array(W * H * 3);
  resampleAxis(mid, crop.h, H, W, W * crop.h, W, 1, W * H, W, 1, out);
  const rgba = new Uint8Array(W * H * 4);
  for (let p = 0; p < W * H; p++) {
    rgba[p * 4] = Math.round(out[p] as number);
    rgba[p * 4 + 1] = Math.round(out[W * H + p] as number);
    rgba[p * 4 + 2] = Math.round(out[2 * W * H + p] as number);
    rgba[p * 4 + 3] = 255;
  }
  return { width: W, height: H, data: rgba };
}

/**
 * Checks an uploaded photo and re-encodes it as a clean passport-style JPEG portrait (see the module notes).
 * @throws PhotoError with the reason it was refused
 */
export function reencodePhoto(upload: Buffer): Portrait {
  if (upload.length === 0) throw new PhotoError('empty');
  if (upload.length > PHOTO_LIMITS.bytes) throw new PhotoError('too-large');
  const kind = sniffImage(upload);
  if (!kind) throw new PhotoError('not-an-image');
  const size = imageDimensions(upload, kind);
  if (!size || size.width < 1 || size.height < 1) throw new PhotoError('unreadable');
  if (size.width > PHOTO_LIMITS.maxSide || size.height > PHOTO_LIMITS.maxSide || size.width * size.height > PHOTO_LIMITS.maxPixels) {
    throw new PhotoError('too-many-pixels');
  }
  if (Math.min(size.width, size.height) < PHOTO_LIMITS.minSide) throw new PhotoError('too-small');
  const decoded = decode(upload, kind);
  if (decoded.width !== size.width || decoded.height !== size.height) throw new PhotoError('unreadable');
  const upright = applyOrientation(decoded, kind === 'jpeg' ? exifOrientation(upload) : 1);
  const portrait = toPortrait(upright);
  // A fresh object with the pixels only: jpeg-js would write an `exifBuffer` or `comments` it finds on its input.
  const encoded = jpegJs().encode({ width: portrait.width, height: portrait.height, data: portrait.data }, PORTRAIT.quality);
  return { jpeg: Buffer.from(encoded.data), width: portrait.width, height: portrait.height };
}

/** Whether a buffer is a portrait this module made: a JPEG of the portrait size (used before printing). */
export function isPortraitJpeg(buf: Buffer): boolean {
  if (sniffImage(buf) !== 'jpeg') return false;
  const size = imageDimensions(buf, 'jpeg');
  return size !== null && size.width === PORTRAIT.width && size.height === PORTRAIT.height;
}
