/**
 * Images for the municipal-ID tests, made in code (no binary fixtures in the repository):
 *
 * - {@link phoneJpeg}: a JPEG as a phone camera writes it — an APP1 EXIF block with the camera make, an
 *   orientation and a **GPS position**, a comment, and bytes appended after the end of the image;
 * - {@link documentImage}: a "scan of a passport" carrying a canary string in its metadata and pixels, to prove
 *   no upload path stores a document;
 * - {@link findSegments}: the marker segments of a JPEG, to assert what a re-encoded file holds.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** What the GPS block of {@link phoneJpeg} says: 44°58'42.1" N, 93°15'54.0" W (Minneapolis City Hall). */
export const GPS = { latitude: [44, 58, 42.1], longitude: [93, 15, 54.0] } as const;
/** The camera make written into the EXIF block, and the comment: strings a test can search for. */
export const CAMERA_MAKE = 'CanaryCam GPS Phone';
export const JPEG_COMMENT = 'canary-comment-do-not-keep';
export const TRAILER = Buffer.from('CANARY-TRAILER-AFTER-EOI', 'latin1');

/** A synthetic head-and-shoulders picture: a gradient background, shoulders, a face-coloured oval. */
export function portraitPixels(width: number, height: number, options: { seed?: number } = {}): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  const seed = options.seed ?? 0;
  const cx = width / 2;
  const cy = height * 0.42;
  const rx = Math.min(width, height) * 0.18;
  const ry = rx * 1.3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      let r = 120 + Math.round((60 * y) / height) + (seed % 40);
      let g = 150 + Math.round((40 * x) / width);
      let b = 200 - (seed % 50);
      const face = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
      const shoulders = y > height * 0.68 && Math.abs(x - cx) < width * 0.38 - (height - y) * 0.2;
      if (face) [r, g, b] = [198, 150, 118];
      else if (shoulders) [r, g, b] = [40, 50, 90];
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  }
  return data;
}

function rational(buf: Buffer, at: number, value: number): void {
  const den = 1000;
  buf.writeUInt32LE(Math.round(value * den), at);
  buf.writeUInt32LE(den, at + 4);
}

/**
 * A TIFF/EXIF block (little-endian) with IFD0 = { Make, Orientation, GPSInfo → GPS IFD }, and a GPS IFD with
 * latitude and longitude as the EXIF 2.3 standard lays them out. Returns the APP1 payload (`Exif\0\0` + TIFF).
 */
export function exifBlock(options: { orientation?: number; make?: string } = {}): Buffer {
  const make = Buffer.from(`${options.make ?? CAMERA_MAKE}\0`, 'latin1');
  // Layout: header 8 | IFD0 (3 entries) 2+36+4 = 42 → 50 | make | GPS IFD (4 entries) 2+48+4 = 54 | 6 rationals.
  const ifd0 = 8;
  const makeAt = ifd0 + 42;
  const gpsIfd = makeAt + make.length + (make.length % 2);
  const latAt = gpsIfd + 54;
  const lonAt = latAt + 24;
  const tiff = Buffer.alloc(lonAt + 24);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(ifd0, 4);
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(count, at + 4);
    if (type === 3 && count === 1) tiff.writeUInt16LE(value, at + 8);
    else tiff.writeUInt32LE(value, at + 8);
  };
  tiff.writeUInt16LE(3, ifd0);
  entry(ifd0 + 2, 0x010f, 2, make.length, makeAt); // Make (ASCII, at offset)
  entry(ifd0 + 14, 0x0112, 3, 1, options.orientation ?? 1); // Orientation (SHORT)
  entry(ifd0 + 26, 0x8825, 4, 1, gpsIfd); // GPSInfo IFD pointer (LONG)
  tiff.writeUInt32LE(0, ifd0 + 38);
  make.copy(tiff, makeAt);
  tiff.writeUInt16LE(4, gpsIfd);
  const g = gpsIfd + 2;
  // LatitudeRef 'N' (ASCII, 2: fits in the value field), Latitude (3 RATIONAL), LongitudeRef 'W', Longitude.
  tiff.writeUInt16LE(0x0001, g);
  tiff.writeUInt16LE(2, g + 2);
  tiff.writeUInt32LE(2, g + 4);
  tiff.write('N\0', g + 8, 'latin1');
  entry(g + 12, 0x0002, 5, 3, latAt);
  tiff.writeUInt16LE(0x0003, g + 24);
  tiff.writeUInt16LE(2, g + 26);
  tiff.writeUInt32LE(2, g + 28);
  tiff.write('W\0', g + 32, 'latin1');
  entry(g + 36, 0x0004, 5, 3, lonAt);
  tiff.writeUInt32LE(0, g + 48);
  GPS.latitude.forEach((v, i) => rational(tiff, latAt + i * 8, v));
  GPS.longitude.forEach((v, i) => rational(tiff, lonAt + i * 8, v));
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

/** The bytes of {@link GPS}'s latitude as stored (three little-endian rationals): absent from a clean file. */
export function gpsLatitudeBytes(): Buffer {
  const b = Buffer.alloc(24);
  GPS.latitude.forEach((v, i) => rational(b, i * 8, v));
  return b;
}

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(marker, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/**
 * A camera-style JPEG: the pixels of {@link portraitPixels}, then SOI | APP1 EXIF (with GPS) | COM | the
 * encoder's own segments | EOI | a trailer.
 */
export function phoneJpeg(options: { width?: number; height?: number; orientation?: number; pixels?: Uint8Array } = {}): Buffer {
  const width = options.width ?? 900;
  const height = options.height ?? 1200;
  const encoded = Buffer.from(jpeg.encode({ width, height, data: options.pixels ?? portraitPixels(width, height) }, 90).data);
  const app1 = segment(0xffe1, exifBlock({ orientation: options.orientation }));
  const com = segment(0xfffe, Buffer.from(JPEG_COMMENT, 'latin1'));
  return Buffer.concat([encoded.subarray(0, 2), app1, com, encoded.subarray(2), TRAILER]);
}

/** Marker segments of a JPEG up to the scan: `[{ marker: 0xffe0, length }]`, then `sos` and what follows EOI. */
export function findSegments(buf: Buffer): { markers: number[]; afterEoi: number } {
  const markers: number[] = [];
  let i = 2;
  while (i + 4 <= buf.length && buf[i] === 0xff) {
    const marker = buf.readUInt16BE(i);
    markers.push(marker);
    if (marker === 0xffda) break;
    i += 2 + buf.readUInt16BE(i + 2);
  }
  const eoi = buf.lastIndexOf(Buffer.from([0xff, 0xd9]));
  return { markers, afterEoi: eoi < 0 ? -1 : buf.length - (eoi + 2) };
}

/** The canary in {@link documentImage}: in its metadata, so a stored copy of the file would be found by it. */
export const DOCUMENT_CANARY = 'PASSPORT-SCAN-CANARY-P<UTOERIKSSON<<ANNA<MARIA';

/** A "scanned identity document": a pale page with dark text lines, carrying {@link DOCUMENT_CANARY} in a comment (JPEG) or a tEXt chunk (PNG). */
export function documentImage(kind: 'jpeg' | 'png'): Buffer {
  const width = 1000;
  const height = 700;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const line = y % 60 < 12 && x > 80 && x < 900 && (x * 7 + y) % 23 > 4;
      const v = line ? 30 : 235 - ((x + y) % 9);
      data[i] = v;
      data[i + 1] = v;
      data[i + 2] = line ? 60 : v - 10;
      data[i + 3] = 255;
    }
  }
  if (kind === 'jpeg') {
    const encoded = Buffer.from(jpeg.encode({ width, height, data }, 85).data);
    const com = segment(0xfffe, Buffer.from(DOCUMENT_CANARY, 'latin1'));
    return Buffer.concat([encoded.subarray(0, 2), com, encoded.subarray(2)]);
  }
  const png = new PNG({ width, height });
  Buffer.from(data.buffer).copy(png.data);
  const body = PNG.sync.write(png);
  // A tEXt chunk before IEND: keyword \0 text, with its CRC.
  const text = Buffer.from(`Comment\0${DOCUMENT_CANARY}`, 'latin1');
  const chunk = Buffer.alloc(12 + text.length);
  chunk.writeUInt32BE(text.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  text.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + text.length)), 8 + text.length);
  const iend = body.length - 12;
  return Buffer.concat([body.subarray(0, iend), chunk, body.subarray(iend)]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
