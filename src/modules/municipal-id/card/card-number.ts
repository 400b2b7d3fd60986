/**
 * Municipal ID card numbers: 10 random digits followed by 2 check digits of **ISO/IEC 7064 MOD 97-10** (the
 * scheme of IBANs), printed in three groups of four: `4821-0937-5516`.
 *
 * Why MOD 97-10 and not Luhn: Luhn misses the transposition `09` ↔ `90`; MOD 97-10 catches every
 * single-digit substitution and every transposition of two adjacent digits (and of digits two apart), at the
 * cost of a second check digit. A desk clerk typing a number from a worn card gets "not a card number" rather
 * than somebody else's card.
 *
 * The digits are random (never a sequence, a date or a ward): a number says nothing about its holder or when
 * the card was made.
 */
import { randomInt } from 'node:crypto';

/** Random digits before the check digits. */
export const CARD_NUMBER_BODY_DIGITS = 10;
/** All digits of a card number. */
export const CARD_NUMBER_DIGITS = CARD_NUMBER_BODY_DIGITS + 2;

/** The remainder of a decimal string modulo 97 (digit by digit, so any length works without big integers). */
function mod97(digits: string): number {
  let r = 0;
  for (let i = 0; i < digits.length; i++) r = (r * 10 + (digits.charCodeAt(i) - 48)) % 97;
  return r;
}

/** The two ISO 7064 MOD 97-10 check digits of a string of digits. */
export function checkDigits(body: string): string {
  if (!/^\d+$/.test(body)) throw new TypeError('check digits are computed over decimal digits only');
  const check = 98 - mod97(`${body}00`);
  return String(check).padStart(2, '0');
}

/** Digits only: strips the hyphens and spaces people type or read off a card. */
export function normalizeCardNumber(input: string): string {
  return input.replace(/[\s\u00a0-]+/g, '');
}

/** Whether a string (with or without hyphens and spaces) is a well-formed card number whose check digits agree. */
export function isValidCardNumber(input: string): boolean {
  const digits = normalizeCardNumber(input);
  return digits.length === CARD_NUMBER_DIGITS && /^\d+$/.test(digits) && mod97(digits) === 1;
}

/** The printed form: `1234-5678-9012`. @throws TypeError for a string that is not a valid card number. */
export function formatCardNumber(input: string): string {
  const digits = normalizeCardNumber(input);
  if (!isValidCardNumber(digits)) throw new TypeError('not a valid card number');
  return `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8)}`;
}

/** A new random card number in its printed form. Uniqueness is checked by the caller against the card index. */
export function newCardNumber(): string {
  let body = '';
  for (let i = 0; i < CARD_NUMBER_BODY_DIGITS; i++) body += String(randomInt(10));
  return formatCardNumber(body + checkDigits(body));
}
