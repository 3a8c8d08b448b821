import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { GradeEvent } from '../src/events';
import { acceptedTests, cappedScore, receiveEvents } from '../src/results-channel';

const suite = '/course/packages/x/grading/a.grade.ts';
const test = (name: string, over: Partial<Record<string, unknown>> = {}): GradeEvent =>
  ({
    type: 'test',
    file: suite,
    exercise: 'x/a',
    name,
    points: 1,
    state: 'passed',
    errors: [],
    durationMs: 1,
    ...over,
  }) as GradeEvent;

describe('which results count', () => {
  const collected: GradeEvent = {
    type: 'collected',
    file: suite,
    tests: [
      { exercise: 'x/a', name: 'one', points: 2 },
      { exercise: 'x/a', name: 'two', points: 1 },
    ],
  };

  it('only checks collected from the exercise suite, once each, with the points collected', () => {
    const events = [
      collected,
      test('one', { points: 50 }), // claims more than its check declared
      test('one'), // a second result for the same check
      test('three'), // never collected
      test('two', { file: '/elsewhere/b.grade.ts' }), // another file
      test('two', { exercise: 'x/b' }), // another exercise
      test('two', { state: 'skipped' }),
      test('two', { state: 'failed' }),
    ];
    expect(acceptedTests(events, 'x/a', suite).map((t) => [t.name, t.points, t.state])).toEqual([
      ['one', 2, 'passed'],
      ['two', 1, 'failed'],
    ]);
  });

  it("keeps the suite's order of checks whatever order their results arrive in", () => {
    const events = [collected, test('two', { state: 'failed' }), test('one', { state: 'failed' })];
    expect(acceptedTests(events, 'x/a', suite).map((t) => t.name)).toEqual(['one', 'two']);
  });

  it('nothing counts without the collected event', () => {
    expect(acceptedTests([test('one')], 'x/a', suite)).toEqual([]);
  });

  it("caps an exercise's score at the manifest's points", () => {
    expect(cappedScore([2, 2, 2], 5)).toBe(5);
    expect(cappedScore([2, 1], 5)).toBe(3);
  });
});

describe('the IPC channel', () => {
  it('delivers what the child sends, drops what is not an event, and names no file in the environment', async () => {
    const script = `
      process.send({ type: 'end', unhandled: [] });
      process.send({ hello: 'not an event' });
      process.send({ type: 'env', keys: Object.keys(process.env).filter((k) => k.startsWith('NODE_CHANNEL')) });
      process.disconnect();
    `;
    const child = spawn(process.execPath, ['-e', script], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const events: GradeEvent[] = [];
    const raw: unknown[] = [];
    receiveEvents(child, (e) => events.push(e));
    child.on('message', (m) => raw.push(m));
    await new Promise((done) => child.on('close', done));
    expect(events).toEqual([{ type: 'end', unhandled: [] }]);
    // Node removes the channel's variable from the child's environment once it is open
    expect(raw[2]).toEqual({ type: 'env', keys: [] });
  });
});
