import { describe, expect, it } from 'vitest';
import type { FormDefinition } from './form-definition.ts';
import { CHECK_ANSWERS, firstIncompleteStep, isReachable, nextDestination, previousStep, resolvePath } from './form-flow.ts';

const privacy = { classification: 'private', purposeKey: 'p', sensitive: false, encrypt: false } as const;
const text = (name: string) => ({ name, type: 'text' as const, labelKey: 'l.l', privacy });

/** contact → (phone | email) → name; "skip" jumps from the start straight to the end. */
const form: FormDefinition = {
  id: 'flow',
  version: 1,
  titleKey: 't.t',
  purposeKey: 't.p',
  retention: { submissionDays: 1, basisKey: 't.b' },
  whatNextKey: 't.n',
  steps: [
    { id: 'contact', fields: [text('method')], next: (a) => (a.method === 'skip' ? CHECK_ANSWERS : undefined) },
    { id: 'phone', when: (a) => a.method === 'phone', fields: [text('phone')] },
    { id: 'email', when: (a) => a.method === 'email', fields: [text('email')] },
    { id: 'name', fields: [text('name')] },
  ],
  onSubmit: async () => undefined,
};

const ids = (steps: ReadonlyArray<{ id: string }>) => steps.map((s) => s.id);

describe('resolvePath', () => {
  it('shows only the branch the answers choose', () => {
    expect(ids(resolvePath(form, { answers: { method: 'phone' }, done: [] }).path)).toEqual(['contact', 'phone', 'name']);
    expect(ids(resolvePath(form, { answers: { method: 'email' }, done: [] }).path)).toEqual(['contact', 'email', 'name']);
    expect(ids(resolvePath(form, { answers: {}, done: [] }).path)).toEqual(['contact', 'name']);
  });

  it('drops the answers and completion of steps that left the path', () => {
    const { state } = resolvePath(form, {
      answers: { method: 'email', phone: '612 555 0100', email: 'a@b.org', name: 'Ana' },
      done: ['contact', 'phone', 'email', 'name'],
    });
    expect(state.answers).toEqual({ method: 'email', email: 'a@b.org', name: 'Ana' });
    expect(state.done).toEqual(['contact', 'email', 'name']);
  });

  it('follows next() overrides, including straight to the check page', () => {
    const { path, state } = resolvePath(form, { answers: { method: 'skip', name: 'x' }, done: ['contact', 'name'] });
    expect(ids(path)).toEqual(['contact']);
    expect(state.answers).toEqual({ method: 'skip' });
  });

  it('refuses a next() that loops or leads nowhere', () => {
    const looping: FormDefinition = { ...form, steps: [{ ...form.steps[0]!, next: () => 'contact' }] };
    expect(() => resolvePath(looping, { answers: {}, done: [] })).toThrow(/reached twice/);
    const lost: FormDefinition = { ...form, steps: [{ ...form.steps[0]!, next: () => 'nowhere' }] };
    expect(() => resolvePath(lost, { answers: {}, done: [] })).toThrow(/unknown step "nowhere"/);
  });
});

describe('navigation', () => {
  const { path, state } = resolvePath(form, { answers: { method: 'phone' }, done: ['contact'] });

  it('finds the first step still to answer and refuses skipping ahead', () => {
    expect(firstIncompleteStep(path, state)?.id).toBe('phone');
    expect(isReachable(path, state, 'contact')).toBe(true);
    expect(isReachable(path, state, 'phone')).toBe(true);
    expect(isReachable(path, state, 'name')).toBe(false);
    expect(isReachable(path, state, 'email')).toBe(false);
  });

  it('continues in order, or back to the check page when changing an answer', () => {
    expect(nextDestination(path, state, 'contact', false)).toBe('phone');
    const all = resolvePath(form, { answers: { method: 'phone', phone: '1', name: 'n' }, done: ['contact', 'phone', 'name'] });
    expect(nextDestination(all.path, all.state, 'name', false)).toBe(CHECK_ANSWERS);
    expect(nextDestination(all.path, all.state, 'contact', true)).toBe(CHECK_ANSWERS);
    // A change that opens a new branch goes to its question first.
    const changed = resolvePath(form, { answers: { method: 'email', name: 'n' }, done: ['contact', 'name'] });
    expect(nextDestination(changed.path, changed.state, 'contact', true)).toBe('email');
  });

  it('goes back along the path', () => {
    expect(previousStep(path, 'phone')?.id).toBe('contact');
    expect(previousStep(path, 'contact')).toBeUndefined();
  });
});
