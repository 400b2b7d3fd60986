import type { Locale } from '../i18n/locales.ts';
import type { MessageValues, Messages } from '../i18n/messages.ts';

/** The channels a message can go out on. */
export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A message rendered in the recipient's language. */
export interface RenderedMessage {
  /** Email only. */
  subject?: string;
  text: string;
  /** Email only: the text as simple, escaped HTML. */
  html?: string;
}

/** A template names keys that do not exist in the catalogs. */
export class UnknownTemplateError extends Error {
  constructor(template: string, channel: Channel) {
    super(`Notification template "${template}" has no ${channel} message`);
    this.name = 'UnknownTemplateError';
  }
}

const TEMPLATE_HEAD = /^[a-z][a-z0-9-]{0,40}$/;
const TEMPLATE_PART = /^[a-zA-Z][a-zA-Z0-9-]{0,40}$/;

/** Template ids are message-key prefixes of 2–4 parts: `notify.demandNotice`, `clinics.reminder`. */
export function isTemplateId(id: string): boolean {
  const [head = '', ...rest] = id.split('.');
  return rest.length >= 1 && rest.length <= 3 && TEMPLATE_HEAD.test(head) && rest.every((p) => TEMPLATE_PART.test(p));
}

/** The catalog keys a template uses on a channel. */
export function templateKeys(template: string, channel: Channel): string[] {
  return channel === 'email' ? [`${template}.subject`, `${template}.text`] : [`${template}.sms`];
}

/** True when every key the template needs on the channel exists (in English at least). */
export function hasTemplate(messages: Messages, template: string, channel: Channel): boolean {
  return isTemplateId(template) && templateKeys(template, channel).every((k) => messages.has(k));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Plain text → minimal HTML: escaped, one paragraph per blank-line-separated block, line breaks kept. */
export function textToHtml(text: string, lang: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"></head><body>${paragraphs}</body></html>`;
}

/**
 * Renders a template in a locale. Templates are ICU messages in the catalogs (core's are in
 * `core/notify/locales/*.json`; modules add theirs to their own catalogs): `<template>.subject` and
 * `<template>.text` for email, `<template>.sms` for text messages. Every email ends with `notify.footer`.
 */
export function renderTemplate(
  messages: Messages,
  options: { template: string; channel: Channel; locale: Locale; values: MessageValues; cityName: string },
): RenderedMessage {
  if (!hasTemplate(messages, options.template, options.channel)) throw new UnknownTemplateError(options.template, options.channel);
  const values = { city: options.cityName, ...options.values };
  if (options.channel === 'sms') return { text: messages.format(options.locale, `${options.template}.sms`, values) };
  const subject = messages.format(options.locale, `${options.template}.subject`, values).replace(/[\r\n]+/g, ' ');
  const text = `${messages.format(options.locale, `${options.template}.text`, values)}\n\n${messages.format(options.locale, 'notify.footer', values)}`;
  return { subject, text, html: textToHtml(text, options.locale) };
}
