import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkDoNothingTests,
  checkedRefusals,
  checkHintsAreNotCode,
  checkPromisedErrors,
  courseOf,
  defineChapter,
  promisedErrors,
} from '../src/index';
import { repoRoot } from '../src/paths';
import fixtureChapter from './fixtures/chapter/manifest';
import { target } from './fixture-paths';

mkdirSync(join(repoRoot, '.course'), { recursive: true });
const work = mkdtempSync(join(repoRoot, '.course', 'strength-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CLIP = `/**
 * Clips.
 *
 * @param maxNorm the largest norm, > 0
 * @throws RangeError naming \`clipGradNorm\` when \`maxNorm\` is not a positive
 *   number
 * @throws ShapeError naming \`clipGradNorm\` when \`grads\` or \`scale\` are ragged
 */
export function clipGradNorm(grads: number[], maxNorm: number, scale = 1): number[] {
  return grads;
}
`;

describe('promisedErrors', () => {
  it('reads each @throws: its class and the arguments named in backticks after "when"', () => {
    expect(promisedErrors(CLIP, 'clipGradNorm').map((p) => [p.name, p.arguments])).toEqual([
      ['RangeError', ['maxNorm']],
      ['ShapeError', ['grads', 'scale']],
    ]);
  });

  it('reads only the doc comment right above the function', () => {
    expect(
      promisedErrors(`${CLIP}\n/** @throws RangeError when \`x\` */\nconst y = 1;\n`, 'other'),
    ).toEqual([]);
    expect(
      promisedErrors(CLIP.replace('*/\nexport', '*/\nconst z = 1;\nexport'), 'clipGradNorm'),
    ).toEqual([]);
  });
});

describe('checkedRefusals', () => {
  it('pairs each argument with the class of the same options object', () => {
    const suite = `
      const refusals = [
        { name: 'RangeError', argument: 'maxNorm', when: \`maxNorm = \${0}\` },
        { argument: 'grads', when: 'ragged', name: 'ShapeError' },
      ];
      await expectThrows(() => f(), { what: 'f', name: 'ShapeError', argument: 'scale', when: 'x' });
    `;
    expect([...checkedRefusals(suite)].sort()).toEqual([
      'RangeError maxNorm',
      'ShapeError grads',
      'ShapeError scale',
    ]);
  });
});

describe('checkPromisedErrors', () => {
  const chapter = (suiteText: string) => {
    const dir = mkdtempSync(join(work, 'chapter-'));
    const pkg = relative(repoRoot, dir);
    mkdirSync(join(dir, 'grading'));
    mkdirSync(join(dir, 'solutions', 'demo'), { recursive: true });
    writeFileSync(join(dir, 'grading', 'clip-grad-norm.grade.ts'), suiteText);
    writeFileSync(join(dir, 'solutions', 'demo', 'clip-grad-norm.ts'), CLIP);
    const course = courseOf([
      defineChapter({
        chapter: 'demo',
        title: 'Demo',
        package: pkg,
        exercises: [
          {
            id: 'demo/clip-grad-norm',
            title: 'Clip',
            points: 1,
            section: 's',
            week: 1,
            hints: { a: 'b' },
          },
        ],
      }),
    ]);
    return {
      course,
      solutions: join(dir, 'solutions'),
      suite: `${pkg}/grading/clip-grad-norm.grade.ts`,
    };
  };

  it('names every promise its suite never checks, and how to check it', () => {
    const c = chapter("await expectThrows(run, { name: 'RangeError', argument: 'maxNorm' });");
    expect(checkPromisedErrors(c.course, c.solutions)).toEqual([
      `solutions/demo/clip-grad-norm.ts: clipGradNorm promises a ShapeError for a bad grads, which ${c.suite} never checks: call expectThrows(..., { name: 'ShapeError', argument: 'grads', ... }) there, or remove the promise`,
      `solutions/demo/clip-grad-norm.ts: clipGradNorm promises a ShapeError for a bad scale, which ${c.suite} never checks: call expectThrows(..., { name: 'ShapeError', argument: 'scale', ... }) there, or remove the promise`,
    ]);
  });

  it('passes when each is checked with its class', () => {
    const c = chapter(
      "[{ name: 'RangeError', argument: 'maxNorm' }, { name: 'ShapeError', argument: 'grads' }, { name: 'ShapeError', argument: 'scale' }]",
    );
    expect(checkPromisedErrors(c.course, c.solutions)).toEqual([]);
  });

  it('counts the checks of a helper module the suite imports from its own folder', () => {
    const c = chapter(
      "import { refusals } from './shared';\n[{ name: 'RangeError', argument: 'maxNorm' }]",
    );
    expect(checkPromisedErrors(c.course, c.solutions)).toHaveLength(2);
    writeFileSync(
      join(repoRoot, c.suite, '..', 'shared.ts'),
      "export const refusals = [{ name: 'ShapeError', argument: 'grads' }, { name: 'ShapeError', argument: 'scale' }];",
    );
    expect(checkPromisedErrors(c.course, c.solutions)).toEqual([]);
  });

  it('does not count a check of another class', () => {
    const c = chapter(
      "[{ name: 'ShapeError', argument: 'maxNorm' }, { name: 'ShapeError', argument: 'grads' }, { name: 'ShapeError', argument: 'scale' }]",
    );
    expect(checkPromisedErrors(c.course, c.solutions)).toEqual([
      expect.stringMatching(/promises a RangeError for a bad maxNorm/),
    ]);
  });
});

describe('checkHintsAreNotCode', () => {
  it('passes hints in words and symbols, fails a hint that is the code', () => {
    const withHints = (hints: Record<string, string>) =>
      courseOf([
        defineChapter({
          ...fixtureChapter,
          exercises: fixtureChapter.exercises.map((e) =>
            e.id === 'fixture/scale' ? { ...e, hints } : e,
          ),
        }),
      ]);
    const words = {
      step: 'Return a new array: each entry times s (xs.map). τ < 1 sharpens; return the first i.',
    };
    expect(checkHintsAreNotCode(withHints(words))).toEqual([]);
    for (const code of [
      'return xs.map((x) => x * s);',
      'const ys = xs.map(f); then return { ys }',
      'for (let i = 0; i < n; i++) ys[i] = s * xs[i]',
      'total += x',
    ]) {
      expect(checkHintsAreNotCode(withHints({ answer: code })), code).toEqual([
        expect.stringMatching(/^fixture\/scale: hint 'answer' reads as code/),
      ]);
    }
  });
});

describe('checkDoNothingTests', () => {
  it('passes chapter 1, whose tests call describeDoNothing', () => {
    const rnn = defineChapter({ ...fixtureChapter, chapter: 'rnn', package: 'packages/rnn' });
    expect(checkDoNothingTests(courseOf([rnn]))).toEqual([]);
  });

  it('names a chapter package without that test, and leaves fixtures alone', () => {
    const dir = mkdtempSync(join(work, 'package-'));
    cpSync(target('correct'), join(dir, 'test'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{}');
    const pkg = relative(repoRoot, dir);
    const course = courseOf([defineChapter({ ...fixtureChapter, package: pkg })]);
    expect(checkDoNothingTests(course)).toEqual([
      `fixture: no test grades its implementations that do nothing: add ${pkg}/test/do-nothing.test.ts calling describeDoNothing('fixture') from @rnn-course/grader/mistakes`,
    ]);
    expect(checkDoNothingTests(courseOf([fixtureChapter]))).toEqual([]);
  });
});
