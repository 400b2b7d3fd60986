/**
 * Small helpers for reading and writing {@link Sourced} facts. Profiles use `fact` / `unverified` so that
 * the envelope is never forgotten; code uses `valueOf`, `collectFacts` and `listUnverified`.
 */
import type { Sourced } from './profile.schema.ts';

/**
 * A fact whose source confirms it.
 * @example fact(30, 'Minneapolis U/T certification ordinance (2017); reference/immigration-rules.md §1.5')
 */
export function fact<T>(value: T, source: string, note?: string): Sourced<T> {
  return note === undefined ? { value, source } : { value, source, note };
}

/**
 * A fact nobody has confirmed: `reference/` marks it UNVERIFIED, or it is our own estimate or a default
 * chosen for this jurisdiction. The note should say what to check.
 */
export function unverified<T>(value: T, source: string, note?: string): Sourced<T> {
  return note === undefined ? { value, source, unverified: true } : { value, source, unverified: true, note };
}

/** Reads the plain value of a fact. */
export function valueOf<T>(fact: Sourced<T>): T {
  return fact.value;
}

/** True when `node` is a {@link Sourced} envelope (an object with a `value` and a string `source`). */
export function isSourced(node: unknown): node is Sourced<unknown> {
  return (
    typeof node === 'object' &&
    node !== null &&
    !Array.isArray(node) &&
    Object.hasOwn(node, 'value') &&
    typeof (node as { source?: unknown }).source === 'string'
  );
}

/** One fact found in a profile, with its path (`municipalId.variants[0]`). */
export interface FactAtPath {
  path: string;
  fact: Sourced<unknown>;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

/**
 * Appends a key to a display path: `a.b`, `a[0]`, or `a["notify.message-recipient-data"]` for record keys
 * that contain dots or dashes, so every path reads unambiguously.
 */
export function joinPath(parent: string, key: PropertyKey): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const name = String(key);
  if (!PLAIN_KEY.test(name)) return `${parent}[${JSON.stringify(name)}]`;
  return parent === '' ? name : `${parent}.${name}`;
}

/**
 * Walks any object (normally a profile) and returns every {@link Sourced} fact with its path, in document
 * order. It does not descend into a fact's value: facts are not nested.
 */
export function collectFacts(root: unknown): FactAtPath[] {
  const out: FactAtPath[] = [];
  const walk = (node: unknown, path: string): void => {
    if (isSourced(node)) {
      out.push({ path, fact: node });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, joinPath(path, i)));
      return;
    }
    if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) walk(child, joinPath(path, key));
    }
  };
  walk(root, '');
  return out;
}

/** Every fact flagged `unverified`, with its path, source and note: the list to check before go-live. */
export function listUnverified(root: unknown): FactAtPath[] {
  return collectFacts(root).filter((f) => f.fact.unverified === true);
}
