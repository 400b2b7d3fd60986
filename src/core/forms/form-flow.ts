/**
 * The path a person takes through a form: which steps they see given their answers, where "continue" and
 * "back" lead, and which answers are dropped when a branch is no longer taken.
 */
import type { Answers, AnswerValue, FormDefinition, StepDefinition } from './form-definition.ts';

/** The engine's own state of a draft: the answers on the path and the steps the person has completed. */
export interface DraftState {
  answers: Record<string, AnswerValue>;
  /** Ids of steps whose page was sent without errors. */
  done: string[];
}

/** Where "continue" leads when every step on the path is done. */
export const CHECK_ANSWERS = 'check';

function walk(form: FormDefinition, answers: Answers): StepDefinition[] {
  const path: StepDefinition[] = [];
  const visited = new Set<string>();
  let i = 0;
  while (i < form.steps.length) {
    const step = form.steps[i] as StepDefinition;
    if (visited.has(step.id)) throw new Error(`form "${form.id}": step "${step.id}" is reached twice (next() makes a loop)`);
    visited.add(step.id);
    if (step.when && !step.when(answers)) {
      i++;
      continue;
    }
    path.push(step);
    const next = step.next?.(answers);
    if (next === undefined) {
      i++;
    } else if (next === CHECK_ANSWERS) {
      break;
    } else {
      const j = form.steps.findIndex((s) => s.id === next);
      if (j === -1) throw new Error(`form "${form.id}": step "${step.id}" leads to unknown step "${next}"`);
      i = j;
    }
  }
  return path;
}

function keepOnPath(path: readonly StepDefinition[], state: DraftState): DraftState {
  const fields = new Set(path.flatMap((s) => s.fields.map((f) => f.name)));
  const ids = new Set(path.map((s) => s.id));
  const answers: Record<string, AnswerValue> = {};
  for (const [k, v] of Object.entries(state.answers)) if (fields.has(k)) answers[k] = v;
  return { answers, done: state.done.filter((d) => ids.has(d)) };
}

/**
 * The steps on the person's path and the state reduced to them: answers of skipped steps are dropped.
 * Repeats until stable, because dropping an answer can change which steps a `when` shows.
 */
export function resolvePath(form: FormDefinition, state: DraftState): { path: StepDefinition[]; state: DraftState } {
  let current = state;
  for (let round = 0; round <= form.steps.length; round++) {
    const path = walk(form, current.answers);
    const pruned = keepOnPath(path, current);
    const stable =
      Object.keys(pruned.answers).length === Object.keys(current.answers).length && pruned.done.length === current.done.length;
    if (stable) return { path, state: pruned };
    current = pruned;
  }
  throw new Error(`form "${form.id}": the path does not settle (when() conditions depend on each other in a cycle)`);
}

/** The first step on the path the person has not completed, or `undefined` when all are done. */
export function firstIncompleteStep(path: readonly StepDefinition[], state: DraftState): StepDefinition | undefined {
  return path.find((s) => !state.done.includes(s.id));
}

/**
 * Whether the person may open a step now: it is on their path, and every step before it is completed (no
 * skipping ahead past unanswered questions by editing the URL).
 */
export function isReachable(path: readonly StepDefinition[], state: DraftState, stepId: string): boolean {
  for (const s of path) {
    if (s.id === stepId) return true;
    if (!state.done.includes(s.id)) return false;
  }
  return false;
}

/**
 * Where "continue" leads after a step: the next step on the path, or — when changing an answer from the
 * check page — the first step still to be answered (a new branch), else back to the check page.
 */
export function nextDestination(path: readonly StepDefinition[], state: DraftState, stepId: string, changing: boolean): string {
  if (changing) return firstIncompleteStep(path, state)?.id ?? CHECK_ANSWERS;
  const i = path.findIndex((s) => s.id === stepId);
  const next = i === -1 ? firstIncompleteStep(path, state) : path[i + 1];
  if (!next) return firstIncompleteStep(path, state)?.id ?? CHECK_ANSWERS;
  return next.id;
}

/** The step before `stepId` on the path, or `undefined` for the first step (back goes to the start page). */
export function previousStep(path: readonly StepDefinition[], stepId: string): StepDefinition | undefined {
  const i = path.findIndex((s) => s.id === stepId);
  return i > 0 ? path[i - 1] : undefined;
}
