import { describe, expect, it } from 'vitest';
import { collectFacts, fact, isSourced, joinPath, listUnverified, unverified, valueOf } from './sourced.ts';

describe('Sourced helpers', () => {
  it('builds facts with and without the unverified flag', () => {
    expect(fact(30, 'src')).toEqual({ value: 30, source: 'src' });
    expect(fact(30, 'src', 'why')).toEqual({ value: 30, source: 'src', note: 'why' });
    expect(unverified(4, 'estimate')).toEqual({ value: 4, source: 'estimate', unverified: true });
    expect(valueOf(fact('America/Chicago', 'IANA'))).toBe('America/Chicago');
  });

  it('recognises envelopes, including ones whose value is falsy', () => {
    expect(isSourced({ value: false, source: 's' })).toBe(true);
    expect(isSourced({ value: null, source: 's' })).toBe(true);
    expect(isSourced({ source: 's' })).toBe(false);
    expect(isSourced({ value: 1, source: 2 })).toBe(false);
    expect(isSourced([1])).toBe(false);
  });

  it('collects facts with readable paths and stops at each envelope', () => {
    const tree = {
      a: fact({ nested: fact(1, 'inner') }, 'outer'),
      list: [fact(1, 'x'), unverified(2, 'y')],
      record: { 'notify.message-recipient-data': unverified(7, 'z') },
      plain: 3,
    };
    expect(collectFacts(tree).map((f) => f.path)).toEqual(['a', 'list[0]', 'list[1]', 'record["notify.message-recipient-data"]']);
    expect(listUnverified(tree).map((f) => f.path)).toEqual(['list[1]', 'record["notify.message-recipient-data"]']);
  });

  it('joins paths unambiguously', () => {
    expect(joinPath('', 'clocks')).toBe('clocks');
    expect(joinPath('clocks', 'biaAppeal')).toBe('clocks.biaAppeal');
    expect(joinPath('rules', 3)).toBe('rules[3]');
    expect(joinPath('retention', 'crypto.subject-key-backup')).toBe('retention["crypto.subject-key-backup"]');
  });
});
