/**
 * A small, strict `multipart/form-data` reader for the verify page's photo upload (the platform has no
 * multipart plugin, and this form needs exactly one file and a few short fields). The whole body is already
 * bounded by the route's body limit; this only splits it. Anything unexpected — no boundary, a part without
 * a name, a second file, too many parts, an over-long field — is refused as a bad request.
 */

/** One uploaded file. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** The parsed form: short text fields, and files by field name. */
export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
}

/** Why a multipart body was refused (a message key). */
export class MultipartError extends Error {
  constructor(readonly messageKey: string) {
    super(messageKey);
    this.name = 'MultipartError';
  }
}

const MAX_PARTS = 8;
const MAX_FIELD_CHARS = 10_000;
const MAX_HEADER_BYTES = 1024;

/** The boundary of a `multipart/form-data` content type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const m = /^multipart\/form-data\s*;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*$/i.exec(contentType.trim());
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function headerValue(headers: string, name: string): string | undefined {
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}

const DISPOSITION_PARAM = {
  name: /;\s*name="([^"\r\n]*)"/i,
  filename: /;\s*filename="([^"\r\n]*)"/i,
} as const;

function dispositionParam(disposition: string, param: keyof typeof DISPOSITION_PARAM): string | undefined {
  return DISPOSITION_PARAM[param].exec(disposition)?.[1];
}

/**
 * Splits a multipart body. @throws MultipartError with a message key on anything malformed.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartForm {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const form: MultipartForm = { fields: Object.create(null) as Record<string, string>, files: Object.create(null) as Record<string, UploadedFile> };
  let pos = body.indexOf(delimiter);
  if (pos !== 0) throw new MultipartError('municipalId.verify.error.upload');
  let parts = 0;
  for (;;) {
    pos += delimiter.length;
    // `--` after a delimiter closes the body.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return form;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new MultipartError('municipalId.verify.error.upload');
    pos += 2;
    if (++parts > MAX_PARTS) throw new MultipartError('municipalId.verify.error.upload');
    const headerEnd = body.indexOf('\r\n\r\n', pos, 'latin1');
    if (headerEnd < 0 || headerEnd - pos > MAX_HEADER_BYTES) throw new MultipartError('municipalId.verify.error.upload');
    const headers = body.toString('utf8', pos, headerEnd);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n', 'latin1'), delimiter]), headerEnd + 4);
    if (next < 0) throw new MultipartError('municipalId.verify.error.upload');
    const content = body.subarray(headerEnd + 4, next);
    const disposition = headerValue(headers, 'content-disposition');
    if (!disposition || !/^form-data\s*;/i.test(disposition)) throw new MultipartError('municipalId.verify.error.upload');
    const name = dispositionParam(disposition, 'name');
    if (!name || name.length > 64) throw new MultipartError('municipalId.verify.error.upload');
    const filename = dispositionParam(disposition, 'filename');
    if (filename !== undefined) {
      if (name in form.files) throw new MultipartError('municipalId.verify.error.upload');
      // A file input left empty is sent as a part with an empty filename and no content.
      if (filename !== '' || content.length > 0) {
        form.files[name] = { filename, contentType: (headerValue(headers, 'content-type') ?? 'application/octet-stream').toLowerCase(), data: Buffer.from(content) };
      }
    } else {
      if (name in form.fields) throw new MultipartError('municipalId.verify.error.upload');
      const text = content.toString('utf8');
      if (text.length > MAX_FIELD_CHARS || text.includes('\uFFFD')) throw new MultipartError('municipalId.verify.error.upload');
      form.fields[name] = text;
    }
    pos = next + 2;
  }
}
