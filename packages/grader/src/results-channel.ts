/**
 * How results travel from the grading run to the grader, and which of them count.
 *
 * The channel is Node's IPC channel between the grader and the Vitest process it starts: the
 * reporter, which runs in that process, sends each event with `process.send`. Nothing names the
 * channel in the environment (Node removes `NODE_CHANNEL_FD` once the channel is open) and the
 * processes Vitest starts for its workers do not inherit it, so code running in a worker, let
 * alone in the sandbox, has no file to append fake events to and no channel to write on. Events
 * arrive as they happen, so a run the watchdog kills still leaves the results of what finished.
 *
 * What counts: a check's result is taken only if the grader collected that check from the
 * exercise's own suite before it ran (a `collected` event for the suite's file, naming the
 * exercise and the check), once per check, with the points the collected check declared; an
 * exercise's score never exceeds its manifest's points.
 */
import type { ChildProcess } from 'node:child_process';
import type { CollectedEvent, GradeEvent, TestEvent } from './events';

/** The reporter's side: sends an event to the grader, or undefined when no grader listens. */
export function ipcSink(): ((event: GradeEvent) => void) | undefined {
  const send = process.send?.bind(process);
  if (send === undefined) return undefined;
  return (event) => {
    // the last event lets the channel go, so that the Vitest process can exit
    send(event, undefined, {}, () => {
      if (event.type === 'end') process.channel?.unref();
    });
  };
}

/** Where `memorySink` delivers: set by the warm instance of `watch` (warm.ts). */
export const MEMORY_RECEIVER = Symbol.for('rnn-course.grade-events');

/**
 * The reporter's side when Vitest runs inside the grader's own process (watch's warm instance,
 * warm.ts): events go straight to the receiver the grader put on `globalThis`, looked up at each
 * event. The reporter runs in the grader's process, never in a worker; learner code runs in the
 * sandbox and never sees this process's globals.
 */
export function memorySink(): (event: GradeEvent) => void {
  return (event) => {
    const receiver = (globalThis as Record<symbol, unknown>)[MEMORY_RECEIVER];
    if (typeof receiver === 'function') (receiver as (event: GradeEvent) => void)(event);
  };
}

/** The grader's side: calls `onEvent` for every well-formed event the child sends. */
export function receiveEvents(child: ChildProcess, onEvent: (event: GradeEvent) => void): void {
  child.on('message', (message: unknown) => {
    if (isEvent(message)) onEvent(message);
  });
}

const TYPES = new Set(['collected', 'test', 'suite', 'module', 'end']);

function isEvent(m: unknown): m is GradeEvent {
  return typeof m === 'object' && m !== null && TYPES.has((m as { type?: unknown }).type as string);
}

/**
 * The results that count for one exercise: test events of `suite` for `exercise` whose check was
 * collected from `suite` first, the first result of each check only, each carrying the points
 * its collected check declared, in the order the suite declares its checks (not the order the
 * results arrived in), so that the first failure a report names is the same on every run.
 */
export function acceptedTests(
  events: readonly GradeEvent[],
  exercise: string,
  suite: string,
): TestEvent[] {
  const declared = new Map(
    declaredChecks(events, exercise, suite).map(({ name, points }) => [name, points]),
  );
  const seen = new Set<string>();
  const out: TestEvent[] = [];
  for (const ev of events) {
    if (ev.type !== 'test' || ev.file !== suite || ev.exercise !== exercise) continue;
    if (ev.state !== 'passed' && ev.state !== 'failed') continue;
    const points = declared.get(ev.name);
    if (points === undefined || seen.has(ev.name)) continue;
    seen.add(ev.name);
    out.push({ ...ev, points });
  }
  const order = [...declared.keys()];
  return out.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

/** The names of the checks of `exercise` collected from `suite`, in the suite's order. */
export function declaredChecks(
  events: readonly GradeEvent[],
  exercise: string,
  suite: string,
): { name: string; points: number }[] {
  const declared = new Map<string, number>();
  for (const ev of events) {
    if (ev.type !== 'collected' || ev.file !== suite) continue;
    for (const t of (ev as CollectedEvent).tests) {
      if (t.exercise === exercise && !declared.has(t.name)) declared.set(t.name, t.points);
    }
  }
  return [...declared].map(([name, points]) => ({ name, points }));
}

/** An exercise's score: its passed checks' points, never more than the manifest's. */
export function cappedScore(points: readonly number[], max: number): number {
  const total = points.reduce((a, b) => a + b, 0);
  return Math.min(total, max);
}
