/**
 * The deadline engine: clock arithmetic from the jurisdiction profile's rules (`clock-math.ts`) and clock
 * records with history, reminders and escalation (`ctx.clocks`). See docs/clocks.md.
 */
export {
  ClockCalculator,
  ClockRuleError,
  DEFAULT_ESCALATIONS,
  addBusinessDays,
  ageOutDate,
  businessDaysBetween,
  clockRulesDigest,
  compositeDue,
  defaultReminders,
  definedRules,
  dueDate,
  resolveRules,
} from './clock-math.ts';
export type { ClockStart, ComponentDue, CompositeDue, Due, GoodCauseExtension, NamedRule, PauseInterval } from './clock-math.ts';
export { ClockService } from './clocks.service.ts';
export type {
  ClockEventView,
  ClockHandlerRun,
  ClockHandlers,
  ClockNotice,
  ClockView,
  RecomputeReport,
  StartClockOptions,
  TickReport,
} from './clocks.service.ts';
export { OPEN_STATUSES } from './clocks.repo.ts';
export type { ClockEventKind, ClockStatus } from './clocks.repo.ts';
