import pino, { type Logger } from 'pino';

/**
 * Field names that may hold personal data; pino replaces them with `[redacted]` wherever they appear one or
 * two levels deep. Logs record route patterns, ids and counts — never request bodies or query strings —
 * so this list is a second line of defence, not the first.
 */
export const REDACTED_FIELDS = [
  'password',
  'email',
  'phone',
  'name',
  'firstName',
  'lastName',
  'fullName',
  'dateOfBirth',
  'dob',
  'address',
  'aNumber',
  'token',
  'secret',
  'totp',
  'code',
  'cookie',
  'authorization',
  'body',
  'query',
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
  return pino(
    {
      level: options.level,
      redact: { paths, censor: '[redacted]' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
