/**
 * `course verify`'s checks of grading strength: what keeps the suites from rewarding less than
 * the work, for every chapter, as they are written.
 *
 * - A promised error is graded: each `@throws` of an exercise function's doc comment in
 *   `solutions/` names the error class and, in backticks after "when", the arguments it refuses;
 *   the exercise's suite must call `expectThrows` with `name: '<class>'` and
 *   `argument: '<argument>'` for each (as string literals, in one options object).
 * - A hint is not the code: hints point at the step in words and symbols; the code is what
 *   `course solution` shows once the exercise passes.
 * - Code that does nothing scores nothing: every chapter has a test that calls
 *   `describeDoNothing('<chapter>')` (see `do-nothing.ts`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Course } from './course';
import { fromRoot } from './paths';

/** One promise of a doc comment: the error class and the arguments it refuses. */
export interface PromisedError {
  readonly name: string;
  readonly arguments: readonly string[];
  /** The tag's text, for messages. */
  readonly text: string;
}

/**
 * The `@throws` tags of the doc comment right above `export function <name>` in `source`.
 * Each tag is `@throws <Class> ... when <text naming `arguments` in backticks>`; a tag that
 * names no argument after "when" promises nothing a check can name, and is returned with none.
 */
export function promisedErrors(source: string, name: string): PromisedError[] {
  const at = source.search(new RegExp(`^export\\s+(async\\s+)?function\\s+${name}\\b`, 'm'));
  if (at < 0) return [];
  const before = source.slice(0, at);
  const open = before.lastIndexOf('/**');
  const close = before.lastIndexOf('*/');
  if (open < 0 || close < open || before.slice(close + 2).trim() !== '') return [];
  const doc = before
    .slice(open + 3, close)
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, ''))
    .join(' ');
  const tags = doc.split(/(?=@\w+)/).filter((t) => t.startsWith('@throws'));
  return tags.map((tag) => {
    const text = tag.replace(/\s+/g, ' ').trim();
    const cls = /^@throws\s+(\w+)/.exec(text)?.[1] ?? '';
    const when = text.indexOf(' when ');
    const args = when < 0 ? [] : [...text.slice(when).matchAll(/`(\w+)`/g)].map((m) => m[1] ?? '');
    return { name: cls, arguments: [...new Set(args)], text };
  });
}

/**
 * The (class, argument) pairs a suite's `expectThrows` options name: every `argument: '<x>'`
 * with the nearest `name: '<Class>'` of the same options object.
 */
export function checkedRefusals(suite: string): Set<string> {
  const names = [...suite.matchAll(/\bname:\s*(['"])(\w+)\1/g)].map((m) => ({
    at: m.index ?? 0,
    value: m[2] ?? '',
  }));
  const pairs = new Set<string>();
  for (const m of suite.matchAll(/\bargument:\s*(['"])(\w+)\1/g)) {
    const at = m.index ?? 0;
    const near = names
      .filter(
        (n) =>
          !/[{}]/.test(
            suite.slice(Math.min(n.at, at), Math.max(n.at, at)).replace(/\$\{[^}]*\}/g, ''),
          ),
      )
      .sort((a, b) => Math.abs(a.at - at) - Math.abs(b.at - at))[0];
    if (near !== undefined) pairs.add(`${near.value} ${m[2] ?? ''}`);
  }
  return pairs;
}

/**
 * A suite's text followed by that of the helper modules it imports from its own folder
 * (`from './state-dicts'`), where refusals shared by several suites are graded.
 */
function suiteWithHelpers(suite: string): string {
  const text = readFileSync(suite, 'utf8');
  const helpers = [...text.matchAll(/\bfrom\s+(['"])\.\/([\w.-]+?)(\.ts)?\1/g)]
    .map((m) => resolve(dirname(suite), `${m[2]}.ts`))
    .filter((file) => existsSync(file));
  return [text, ...helpers.map((file) => readFileSync(file, 'utf8'))].join('\n');
}

/**
 * Every promised error of every exercise that its suite does not grade, one problem each,
 * naming the solution, the function, the class and the argument.
 */
export function checkPromisedErrors(course: Course, solutionsDir: string): string[] {
  const problems: string[] = [];
  for (const e of course.exercises) {
    const solution = resolve(solutionsDir, e.file);
    if (!existsSync(solution) || !existsSync(fromRoot(e.suite))) continue; // checkManifests says so
    const graded = checkedRefusals(suiteWithHelpers(fromRoot(e.suite)));
    for (const promise of promisedErrors(readFileSync(solution, 'utf8'), e.functionName)) {
      const where = `solutions/${e.file}: ${e.functionName}`;
      if (promise.arguments.length === 0) {
        problems.push(
          `${where} promises '${promise.text}' without naming, in backticks after "when", the argument it refuses: name it so that its suite can grade it`,
        );
      }
      for (const argument of promise.arguments) {
        if (graded.has(`${promise.name} ${argument}`)) continue;
        problems.push(
          `${where} promises a ${promise.name} for a bad ${argument}, which ${e.suite} never checks: ` +
            `call expectThrows(..., { name: '${promise.name}', argument: '${argument}', ... }) there, or remove the promise`,
        );
      }
    }
  }
  return problems;
}

/** What code looks like in a hint: a statement, an assignment, an arrow, a loop header. */
const CODE =
  /\breturn\s*[{(]|\breturn\s+\w+\s*;|\b(const|let|var)\s+\w+\s*=|=>|\bfor\s*\(\s*(let|const)\b|\w\s*(\+|-|\*)=\s*\w|;\s*\}/;

/** Every hint that reads as code, one problem each. */
export function checkHintsAreNotCode(course: Course): string[] {
  const problems: string[] = [];
  for (const e of course.exercises) {
    for (const [key, text] of Object.entries(e.hints)) {
      const code = CODE.exec(text);
      if (code === null) continue;
      problems.push(
        `${e.id}: hint '${key}' reads as code ('${code[0]}'): a hint points at the step in words and ` +
          "symbols; the code is what 'course solution' shows once the exercise passes",
      );
    }
  }
  return problems;
}

/**
 * Every chapter package whose tests do not grade its do-nothing implementations. A chapter is
 * held to it when its folder is a package (a package.json: its tests run in `npm test`); the
 * harness's fixture chapters are not.
 */
export function checkDoNothingTests(course: Course): string[] {
  const problems: string[] = [];
  for (const c of course.chapters) {
    const id = c.manifest.chapter;
    if (!existsSync(fromRoot(join(c.manifest.package, 'package.json')))) continue;
    const tests = fromRoot(join(c.manifest.package, 'test'));
    const call = new RegExp(`describeDoNothing\\(\\s*(['"])${id}\\1`);
    const found =
      existsSync(tests) &&
      readdirSync(tests, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.test.ts'))
        .some((f) => call.test(readFileSync(join(tests, f), 'utf8')));
    if (!found) {
      problems.push(
        `${id}: no test grades its implementations that do nothing: add ${c.manifest.package}/test/do-nothing.test.ts ` +
          `calling describeDoNothing('${id}') from @rnn-course/grader/mistakes`,
      );
    }
  }
  return problems;
}

/** The checks above, for the exercises of `course`. */
export function checkStrength(course: Course, solutionsDir: string): string[] {
  return [
    ...checkPromisedErrors(course, solutionsDir),
    ...checkHintsAreNotCode(course),
    ...checkDoNothingTests(course),
  ];
}
