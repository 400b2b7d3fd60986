/**
 * The one error type users can see. Each code maps to an HTTP status and a translated message
 * (`error.<code>.title` / `error.<code>.body` in the core catalogs); a stack trace never reaches a user.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  csrf: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A field-level problem: the field name and a message key (with ICU values). */
export interface FieldError {
  field: string;
  key: string;
  values?: Record<string, string | number>;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    options: { message?: string; fields?: FieldError[]; cause?: unknown; messageKey?: string } = {},
  ) {
    super(options.message ?? code, { cause: options.cause });
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
    this.fields = options.fields ?? [];
    this.messageKey = options.messageKey;
  }
  readonly fields: FieldError[];
  /** Overrides the generic body text with a more specific translated message. */
  readonly messageKey: string | undefined;
}

/** Maps an HTTP status to the closest error code (for errors raised by Fastify and its plugins). */
export function codeForStatus(status: number): ErrorCode {
  const found = (Object.entries(ERROR_STATUS) as Array<[ErrorCode, number]>).find(([, s]) => s === status);
  if (found) return found[0];
  if (status >= 500) return 'internal';
  return 'bad_request';
}
