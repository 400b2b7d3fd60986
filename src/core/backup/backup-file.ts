/**
 * The encrypted backup file (format 1).
 *
 * ```
 * "SNCTBAK1"                      8 bytes, magic
 * header length                   4 bytes, big-endian
 * header                          JSON: { format, version, id, createdAt, dialect, kid, noncePrefix, chunkSize }
 * chunk 0 … chunk n               AES-256-GCM: ciphertext ‖ 16-byte tag; every chunk but the last holds
 *                                 exactly chunkSize bytes of plaintext
 * ```
 *
 * The plaintext is `manifest length (4 bytes) ‖ manifest JSON ‖ database dump`. Chunks follow the STREAM
 * construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015): chunk i's nonce is the random 7-byte prefix, the
 * 4-byte counter i and a final-chunk flag byte; every chunk authenticates the whole header as AAD. So a
 * changed header, a changed, dropped, duplicated or reordered chunk, and a file cut at a chunk boundary all
 * fail to decrypt — each chunk is authenticated before a byte of it is written out. The key is the
 * per-backup key from `BackupKeyRing.fileKey(kid, id)`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { isRandomId } from '../crypto/random.ts';

export const MAGIC = Buffer.from('SNCTBAK1', 'ascii');
const TAG = 16;
const MAX_HEADER = 16 * 1024;
const MAX_MANIFEST = 64 * 1024 * 1024;
export const DEFAULT_CHUNK = 1024 * 1024;

/** The clear-text header: enough to find the key, nothing about the contents. */
export interface BackupHeader {
  format: 'sanctuary-backup';
  version: 1;
  /** Random backup id (also the HKDF salt of the file key). */
  id: string;
  createdAt: string;
  dialect: 'sqlite' | 'postgres';
  /** Backup key id. */
  kid: string;
  noncePrefix: string;
  chunkSize: number;
}

/** The file is not a backup, is damaged, or was tampered with. Never says more than which check failed. */
export class BackupFormatError extends Error {
  constructor(readonly reason: 'not-a-backup' | 'unsupported' | 'damaged', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupFormatError';
  }
}

function nonce(prefix: Buffer, counter: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0, 0, 7);
  n.writeUInt32BE(counter, 7);
  n[11] = last ? 1 : 0;
  return n;
}

function encodeHeader(h: BackupHeader): Buffer {
  const json = Buffer.from(JSON.stringify(h), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, len, json]);
}

/**
 * Encrypts `manifest` + the file at `dumpFile` into `outFile` (created exclusively, mode 0600, fsynced).
 * Streams in chunks: memory stays flat whatever the database size.
 */
export async function writeBackupFile(options: {
  outFile: string;
  dumpFile: string;
  manifest: unknown;
  header: Omit<BackupHeader, 'format' | 'version' | 'noncePrefix' | 'chunkSize'>;
  key: Buffer;
  chunkSize?: number;
}): Promise<{ bytes: number }> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const prefix = randomBytes(7);
  const header: BackupHeader = { format: 'sanctuary-backup', version: 1, ...options.header, noncePrefix: prefix.toString('base64url'), chunkSize };
  const aad = encodeHeader(header);
  const manifest = Buffer.from(JSON.stringify(options.manifest), 'utf8');
  const manifestLen = Buffer.alloc(4);
  manifestLen.writeUInt32BE(manifest.length);

  const out = await fs.open(options.outFile, 'wx', 0o600);
  const input = await fs.open(options.dumpFile, 'r');
  let bytes = 0;
  try {
    await out.write(aad);
    bytes += aad.length;
    let counter = 0;
    let pending = Buffer.concat([manifestLen, manifest]);
    const readBuf = Buffer.alloc(chunkSize);
    let eof = false;
    // Always keep one full chunk in hand, so the last one can be flagged as last.
    for (;;) {
      while (!eof && pending.length <= chunkSize) {
        const { bytesRead } = await input.read(readBuf, 0, chunkSize, null);
        if (bytesRead === 0) eof = true;
        else pending = Buffer.concat([pending, readBuf.subarray(0, bytesRead)]);
      }
      const last = eof && pending.length <= chunkSize;
      const plain = pending.subarray(0, Math.min(chunkSize, pending.length));
      pending = pending.subarray(plain.length);
      const cipher = createCipheriv('aes-256-gcm', options.key, nonce(prefix, counter, last));
      cipher.setAAD(aad);
      const ct = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      await out.write(ct);
      bytes += ct.length;
      counter++;
      if (counter > 0xffffffff) throw new BackupFormatError('unsupported', 'backup too large for one file');
      if (last) break;
    }
    await out.sync();
  } catch (err) {
    await out.close();
    await fs.rm(options.outFile, { force: true });
    throw err;
  } finally {
    await input.close();
  }
  await out.close();
  return { bytes };
}

/** Reads and checks the clear-text header (no key needed). */
export async function readBackupHeader(file: string): Promise<{ header: BackupHeader; headerBytes: Buffer }> {
  const h = await fs.open(file, 'r');
  try {
    const start = Buffer.alloc(12);
    const { bytesRead } = await h.read(start, 0, 12, 0);
    if (bytesRead < 12 || !start.subarray(0, 8).equals(MAGIC)) throw new BackupFormatError('not-a-backup', `${file} is not a Sanctuary backup file`);
    const len = start.readUInt32BE(8);
    if (len === 0 || len > MAX_HEADER) throw new BackupFormatError('damaged', 'backup header has an impossible length');
    const json = Buffer.alloc(len);
    const r = await h.read(json, 0, len, 12);
    if (r.bytesRead < len) throw new BackupFormatError('damaged', 'backup header is cut short');
    let header: BackupHeader;
    try {
      header = JSON.parse(json.toString('utf8')) as BackupHeader;
    } catch (cause) {
      throw new BackupFormatError('damaged', 'backup header is not JSON', { cause });
    }
    if (header.format !== 'sanctuary-backup') throw new BackupFormatError('not-a-backup', 'not a Sanctuary backup header');
    if (header.version !== 1) throw new BackupFormatError('unsupported', `backup format version ${String(header.version)} is not supported by this build`);
    const prefix = Buffer.from(String(header.noncePrefix), 'base64url');
    if (
      !isRandomId(String(header.id)) ||
      (header.dialect !== 'sqlite' && header.dialect !== 'postgres') ||
      typeof header.kid !== 'string' ||
      prefix.length !== 7 ||
      !Number.isInteger(header.chunkSize) ||
      header.chunkSize < 1024 ||
      header.chunkSize > 64 * 1024 * 1024
    ) {
      throw new BackupFormatError('damaged', 'backup header fields are malformed');
    }
    return { header, headerBytes: Buffer.concat([start, json]) };
  } finally {
    await h.close();
  }
}

/**
 * Decrypts a backup: authenticates every chunk, writes the dump to `dumpFile` (created exclusively, 0600)
 * and returns the manifest. On any failure the partial output is removed.
 * @throws BackupFormatError when the file is damaged, tampered with or decrypted with the wrong key
 */
export async function readBackupFile(options: { inFile: string; dumpFile: string; key: Buffer }): Promise<{ header: BackupHeader; manifest: unknown }> {
  const { header, headerBytes } = await readBackupHeader(options.inFile);
  const prefix = Buffer.from(header.noncePrefix, 'base64url');
  const input = await fs.open(options.inFile, 'r');
  const out = await fs.open(options.dumpFile, 'wx', 0o600);
  try {
    const size = (await input.stat()).size;
    const full = header.chunkSize + TAG;
    let pos = headerBytes.length;
    let counter = 0;
    let manifestLen = -1;
    let prelude = Buffer.alloc(0);
    let manifest: unknown;
    const buf = Buffer.alloc(full);
    if (pos >= size) throw new BackupFormatError('damaged', 'backup has no content');
    while (pos < size) {
      const len = Math.min(full, size - pos);
      if (len <= TAG) throw new BackupFormatError('damaged', 'backup ends inside a chunk');
      const { bytesRead } = await input.read(buf, 0, len, pos);
      if (bytesRead !== len) throw new BackupFormatError('damaged', 'backup could not be read in full');
      pos += len;
      const last = pos >= size;
      const decipher = createDecipheriv('aes-256-gcm', options.key, nonce(prefix, counter, last));
      decipher.setAAD(headerBytes);
      decipher.setAuthTag(buf.subarray(len - TAG, len));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(buf.subarray(0, len - TAG)), decipher.final()]);
      } catch (cause) {
        throw new BackupFormatError('damaged', `backup chunk ${counter} does not authenticate (damaged, tampered with, cut short, or the wrong backup key)`, { cause });
      }
      counter++;
      if (manifest === undefined) {
        prelude = Buffer.concat([prelude, plain]);
        if (manifestLen < 0 && prelude.length >= 4) {
          manifestLen = prelude.readUInt32BE(0);
          if (manifestLen > MAX_MANIFEST) throw new BackupFormatError('damaged', 'backup manifest has an impossible length');
        }
        if (manifestLen >= 0 && prelude.length >= 4 + manifestLen) {
          manifest = JSON.parse(prelude.subarray(4, 4 + manifestLen).toString('utf8')) as unknown;
          await out.write(prelude.subarray(4 + manifestLen));
          prelude = Buffer.alloc(0);
        }
      } else {
        await out.write(plain);
      }
    }
    if (manifest === undefined) throw new BackupFormatError('damaged', 'backup ends before its manifest');
    await out.sync();
    await out.close();
    return { header, manifest };
  } catch (err) {
    await out.close().catch(() => undefined);
    await fs.rm(options.dumpFile, { force: true });
    throw err;
  } finally {
    await input.close();
  }
}
