import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  CAMERA_MAKE,
  JPEG_COMMENT,
  TRAILER,
  findSegments,
  gpsLatitudeBytes,
  phoneJpeg,
  portraitPixels,
} from '../../../../test/municipal-id/image-fixtures.ts';
import { PHOTO_LIMITS, PORTRAIT, PhotoError, exifOrientation, imageDimensions, isPortraitJpeg, reencodePhoto, sniffImage } from './photo.ts';

function problemOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof PhotoError) return err.problem;
    throw err;
  }
  return undefined;
}

/** What jpeg-js returns beside the pixels (its typings leave out the EXIF block). */
function exifOf(buf: Buffer): Uint8Array | undefined {
  return (jpeg.decode(buf, { useTArray: true }) as { exifBuffer?: Uint8Array }).exifBuffer;
}

/** Mean colour of a rectangle of a decoded JPEG. */
function meanColour(buf: Buffer, x0: number, y0: number, x1: number, y1: number): [number, number, number] {
  const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true });
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 4;
      r += img.data[i] as number;
      g += img.data[i + 1] as number;
      b += img.data[i + 2] as number;
      n++;
    }
  }
  return [r / n, g / n, b / n];
}

describe('the holder photo pipeline', () => {
  it('the fixture is what a phone writes: EXIF with GPS, a comment and a trailer', () => {
    const input = phoneJpeg();
    expect(findSegments(input).markers).toContain(0xffe1);
    expect(input.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(true);
    expect(input.includes(gpsLatitudeBytes())).toBe(true);
    expect(input.includes(Buffer.from(CAMERA_MAKE, 'latin1'))).toBe(true);
    expect(input.includes(TRAILER)).toBe(true);
    // And jpeg-js hands the EXIF block back on decode: the pipeline must not pass it on.
    expect(exifOf(input)?.length).toBeGreaterThan(50);
  });

  it('re-encodes a camera JPEG to a clean 3:4 portrait: no EXIF, no GPS, no comment, nothing after the image', () => {
    const input = phoneJpeg();
    const out = reencodePhoto(input);
    expect([out.width, out.height]).toEqual([PORTRAIT.width, PORTRAIT.height]);
    expect(isPortraitJpeg(out.jpeg)).toBe(true);
    const { markers, afterEoi } = findSegments(out.jpeg);
    // Only the encoder's own segments: JFIF APP0, quantisation and Huffman tables, frame header, scan.
    expect(markers.filter((m) => m >= 0xffe1 && m <= 0xffef)).toEqual([]);
    expect(markers).not.toContain(0xfffe);
    expect(new Set(markers)).toEqual(new Set([0xffe0, 0xffdb, 0xffc0, 0xffc4, 0xffda]));
    expect(afterEoi).toBe(0);
    for (const needle of [Buffer.from('Exif', 'latin1'), gpsLatitudeBytes(), Buffer.from(CAMERA_MAKE, 'latin1'), Buffer.from(JPEG_COMMENT, 'latin1'), TRAILER]) {
      expect(out.jpeg.includes(needle)).toBe(false);
    }
    expect(exifOf(out.jpeg)).toBeUndefined();
    // The picture survives: the face-coloured oval is in the middle of the portrait.
    const [r, g, b] = meanColour(out.jpeg, 160, 180, 200, 220);
    expect(Math.abs(r - 198) + Math.abs(g - 150) + Math.abs(b - 118)).toBeLessThan(30);
    // Twice through the pipeline gives the same kind of file (idempotent format).
    expect(isPortraitJpeg(reencodePhoto(out.jpeg).jpeg)).toBe(true);
  });

  it('turns a sideways phone photo upright from its EXIF orientation (then drops the tag)', () => {
    // A portrait picture stored rotated 90° clockwise-sensor style: width and height swapped, orientation 6.
    const w = 900;
    const h = 1200;
    const upright = portraitPixels(w, h);
    const stored = new Uint8Array(w * h * 4);
    // Orientation 6 means "rotate 90° clockwise to display": the stored image is the upright one rotated 90° counter-clockwise.
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const sx = y;
      const sy = w - 1 - x;
      stored.set(upright.subarray((y * w + x) * 4, (y * w + x) * 4 + 4), (sy * h + sx) * 4);
    }
    const input = phoneJpeg({ width: h, height: w, orientation: 6, pixels: stored });
    expect(exifOrientation(input)).toBe(6);
    const out = reencodePhoto(input);
    const [r, g, b] = meanColour(out.jpeg, 160, 180, 200, 220);
    expect(Math.abs(r - 198) + Math.abs(g - 150) + Math.abs(b - 118)).toBeLessThan(30);
    // The shoulders are at the bottom of the portrait (left as stored, they would be on one side).
    const [sr, sg, sb] = meanColour(out.jpeg, 160, 440, 200, 470);
    expect(Math.abs(sr - 40) + Math.abs(sg - 50) + Math.abs(sb - 90)).toBeLessThan(30);
    expect(exifOrientation(out.jpeg)).toBe(1);
    // Control: the same file with its orientation tag set to 1 comes out sideways.
    const sideways = reencodePhoto(phoneJpeg({ width: h, height: w, orientation: 1, pixels: stored }));
    const [cr, cg, cb] = meanColour(sideways.jpeg, 160, 440, 200, 470);
    expect(Math.abs(cr - 40) + Math.abs(cg - 50) + Math.abs(cb - 90)).toBeGreaterThan(60);
  });

  it('accepts a PNG, flattening transparency onto white', () => {
    const png = new PNG({ width: 600, height: 800 });
    png.data.fill(0); // fully transparent black
    const out = reencodePhoto(PNG.sync.write(png));
    const [r, g, b] = meanColour(out.jpeg, 10, 10, 50, 50);
    expect(Math.min(r, g, b)).toBeGreaterThan(245);
  });

  it('refuses what is not a photo it can read, with a reason, before decoding what is too big', () => {
    expect(problemOf(() => reencodePhoto(Buffer.alloc(0)))).toBe('empty');
    expect(problemOf(() => reencodePhoto(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')))).toBe('not-an-image');
    expect(problemOf(() => reencodePhoto(Buffer.from('%PDF-1.7 a passport scan', 'latin1')))).toBe('not-an-image');
    expect(problemOf(() => reencodePhoto(Buffer.alloc(PHOTO_LIMITS.bytes + 1, 0xff)))).toBe('too-large');
    // A PNG header claiming 40,000 × 40,000 pixels: refused from the header (a decompression bomb is never inflated).
    const bomb = PNG.sync.write(new PNG({ width: 300, height: 400 }));
    bomb.writeUInt32BE(40_000, 16);
    bomb.writeUInt32BE(40_000, 20);
    expect(problemOf(() => reencodePhoto(bomb))).toBe('too-many-pixels');
    const good = phoneJpeg({ width: 480, height: 640 });
    expect(problemOf(() => reencodePhoto(good.subarray(0, Math.floor(good.length / 3))))).toBe('unreadable');
    expect(problemOf(() => reencodePhoto(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10])))).toBe('unreadable');
    const small = Buffer.from(jpeg.encode({ width: 120, height: 160, data: portraitPixels(120, 160) }, 80).data);
    expect(problemOf(() => reencodePhoto(small))).toBe('too-small');
    expect(sniffImage(small)).toBe('jpeg');
    expect(imageDimensions(small, 'jpeg')).toEqual({ width: 120, height: 160 });
  });
});
