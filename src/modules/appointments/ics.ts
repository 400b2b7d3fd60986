/**
 * A minimal iCalendar (RFC 5545) writer for appointment files: one VCALENDAR with VEVENTs, times in UTC (so no
 * VTIMEZONE is needed), text escaped (§3.3.11), lines folded at 75 octets without splitting a UTF-8 sequence
 * (§3.1), CRLF line endings. The file carries only what the person needs to find the appointment: what, when,
 * where — never their name or contact details.
 */

/** One appointment as a calendar event. */
export interface IcsEvent {
  /** Globally unique and stable across updates (`<booking id>@<host>`), so a reschedule replaces the event. */
  uid: string;
  /** When this version of the file was made. */
  stamp: Date;
  start: Date;
  end: Date;
  summary: string;
  location: string;
  description?: string;
  /** Increases with every change of time (RFC 5545 §3.8.7.4). */
  sequence: number;
  status: 'CONFIRMED' | 'CANCELLED';
  /** BCP 47 language of the text values (`LANGUAGE` parameter, §3.2.10). */
  language?: string;
}

/** `20261201T150000Z`: a UTC DATE-TIME (§3.3.5, form #2). */
export function icsDateTime(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** Escapes a TEXT value: backslash, semicolon, comma and line breaks (§3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    // Other control characters are not allowed in TEXT.
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ''); // eslint-disable-line no-control-regex -- removing them is the point
}

/**
 * Folds a content line so that no line is longer than 75 octets (excluding the CRLF); continuation lines
 * start with one space (§3.1). Splits between characters, never inside a UTF-8 sequence or a surrogate pair.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
      // A continuation line's leading space counts towards its 75 octets.
      limit = 74;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

function languageParam(language: string | undefined): string {
  if (!language) return '';
  const [primary = '', ...subtags] = language.split('-');
  const valid = /^[A-Za-z]{2,8}$/.test(primary) && subtags.length <= 4 && subtags.every((t) => /^[A-Za-z0-9]{1,8}$/.test(t));
  return valid ? `;LANGUAGE=${language}` : '';
}

/**
 * Builds an iCalendar file. `method` is `PUBLISH` for a booked appointment and `CANCEL` for a cancelled one
 * (calendar programs then remove the event with the same UID).
 */
export function buildIcs(options: { prodId: string; method: 'PUBLISH' | 'CANCEL'; events: readonly IcsEvent[] }): string {
  const lines: string[] = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${escapeText(options.prodId)}`, 'CALSCALE:GREGORIAN', `METHOD:${options.method}`];
  for (const e of options.events) {
    const lang = languageParam(e.language);
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(e.uid)}`,
      `DTSTAMP:${icsDateTime(e.stamp)}`,
      `DTSTART:${icsDateTime(e.start)}`,
      `DTEND:${icsDateTime(e.end)}`,
      `SEQUENCE:${Math.max(0, Math.floor(e.sequence))}`,
      `STATUS:${e.status}`,
      `SUMMARY${lang}:${escapeText(e.summary)}`,
      `LOCATION${lang}:${escapeText(e.location)}`,
    );
    if (e.description) lines.push(`DESCRIPTION${lang}:${escapeText(e.description)}`);
    lines.push('TRANSP:OPAQUE', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
