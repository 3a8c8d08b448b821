/**
 * Hostile submissions graded end to end, as an instructor grades a student's folder
 * (`course grade --submission DIR`): one fixture per row of the table in the README's "What
 * grading guarantees" (test/fixtures/hostile/), each scoring 0 on the exercises it attacks with
 * a message that says what was refused; and honest submissions, whose comments and strings talk
 * about imports, scoring what the worked solutions score.
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grade, gradeBatch, loadCourse, type ExerciseReport, type Report } from '../src/index';
import { fromRoot } from '../src/paths';
import { fixturesDir } from './fixture-paths';

const hostile = (row: string): string => join(fixturesDir, 'hostile', row);
const shown = (row: string): string => `packages/grader/test/fixtures/hostile/${row}/rnn`;

function byId(r: Report, id: string): ExerciseReport {
  const e = r.exercises.find((x) => x.id === id);
  if (e === undefined) throw new Error(`no ${id} in the report`);
  return e;
}

/** Every exercise of the report scores 0 and none of its checks passed. */
function expectNothing(r: Report): void {
  for (const e of r.exercises) {
    expect(e.score, e.id).toBe(0);
    expect(
      e.tests.filter((t) => t.status === 'passed').map((t) => t.name),
      e.id,
    ).toEqual([]);
  }
}

const FS_REFUSED =
  "process.getBuiltinModule('fs') was refused: exercises may not use Node's built-in modules";

describe('row 1: built-ins patched at import so that every comparison passes', () => {
  it('scores 0: the comparisons run in a process the patch never reached, and see zeros', async () => {
    const r = await grade({
      submission: hostile('patched-math'),
      filter: ['rnn/word-embedding-forward', 'rnn/word-embedding-backward'],
    });
    expectNothing(r);
    expect(byId(r, 'rnn/word-embedding-forward').message).toMatch(
      /^out: wrong everywhere, at every time step 0-3\n {2}worst element \[0, 0, 0\] \(time step 0\): expected -?[\d.]+, received 0/,
    );
    expect(byId(r, 'rnn/word-embedding-backward').message).toMatch(
      /^wordEmbeddingBackward: 1 gradient wrong: dW/,
    );
  });
});

describe("row 2: one file patches the built-ins and the core's classes the checks of other exercises use", () => {
  it('scores 0 on its own exercise and on the other one', async () => {
    const r = await grade({
      submission: hostile('patched-intrinsics'),
      filter: ['rnn/temporal-affine-forward', 'rnn/word-embedding-forward'],
    });
    expectNothing(r);
    expect(byId(r, 'rnn/temporal-affine-forward').message).toMatch(/^out: wrong everywhere/);
    expect(byId(r, 'rnn/word-embedding-forward').message).toMatch(/^out: wrong everywhere/);
  });
});

describe('row 3: fake "passed" events appended to the results file, the parent killed', () => {
  it('scores 0: no such file, no file system, no signals; the refusals are the messages', async () => {
    const r = await grade({
      submission: hostile('fake-events'),
      filter: ['rnn/rnn-step-forward', 'rnn/rnn-step-backward', 'rnn/word-embedding-forward'],
    });
    expectNothing(r);
    const at = `(at ${shown('fake-events')}/rnn-step.ts:12:`;
    expect(byId(r, 'rnn/rnn-step-forward').message).toContain(`Error: ${FS_REFUSED} ${at}`);
    expect(byId(r, 'rnn/rnn-step-backward').message).toContain(`Error: ${FS_REFUSED} ${at}`);
    expect(byId(r, 'rnn/word-embedding-forward').message).toMatch(
      /^Error: process.kill was refused: code in the sandbox may not send signals \(at .*fake-events\/rnn\/word-embedding.ts:5:11\)/,
    );
    expect(r.warnings).toEqual([]);
  });
});

describe('row 4: a grading suite rewritten at import', () => {
  const suites = ['word-embedding-forward', 'word-embedding-backward'].map((s) =>
    fromRoot(`packages/rnn/grading/${s}.grade.ts`),
  );
  const hashes = (): string[] =>
    suites.map((f) => createHash('sha256').update(readFileSync(f)).digest('hex'));

  it('scores 0, error on the import with the refusal; the suites are intact and the next submission is graded as before', async () => {
    const before = hashes();
    const r = await grade({
      submission: hostile('rewrite-suite'),
      filter: ['rnn/word-embedding-forward', 'rnn/word-embedding-backward'],
    });
    expectNothing(r);
    for (const e of r.exercises) {
      expect(e.status).toBe('error');
      expect(e.message).toBe(
        `could not import ${shown('rewrite-suite')}/word-embedding.ts: ${FS_REFUSED} (at ${shown('rewrite-suite')}/word-embedding.ts:7:20)`,
      );
    }
    expect(hashes()).toEqual(before);
    const next = await grade({ target: 'exercises', filter: ['rnn/word-embedding-forward'] });
    expect(byId(next, 'rnn/word-embedding-forward')).toMatchObject({
      status: 'not-started',
      score: 0,
    });
  });
});

describe("row 5: the chapter's reference reached by a computed import, the module loader, the file system, code from strings, a link", () => {
  it('scores 0 on each, with what was refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'course-hostile-'));
    try {
      cpSync(hostile('reference'), dir, { recursive: true });
      symlinkSync(
        fromRoot('packages/rnn/src/word-embedding.ts'),
        join(dir, 'rnn/word-embedding.ts'),
      );
      const r = await grade({
        submission: dir,
        filter: [
          'rnn/rnn-step-forward',
          'rnn/rnn-forward',
          'rnn/temporal-affine-forward',
          'rnn/temporal-softmax-loss-and-grad',
          'rnn/word-embedding-forward',
        ],
      });
      expectNothing(r);
      const at = (file: string): string => `${dir}/rnn/${file}`.replace(/^\/+/, '/');
      expect(byId(r, 'rnn/rnn-step-forward').message).toMatch(
        /^could not import .*\/rnn\/rnn-step.ts: import or require of '@rnn-course\/rnn' was refused: the sandbox loads only what the bundler resolved/,
      );
      expect(byId(r, 'rnn/rnn-forward').message).toMatch(
        /^ReferenceError: __vite_ssr_dynamic_import__ is not defined \(at .*\/rnn\/rnn.ts:\d+:\d+\)/,
      );
      expect(byId(r, 'rnn/temporal-affine-forward').message).toContain(`Error: ${FS_REFUSED}`);
      expect(byId(r, 'rnn/temporal-softmax-loss-and-grad').message).toMatch(
        /^EvalError: Code generation from strings disallowed for this context \(at .*\/rnn\/temporal-softmax-loss.ts:5:16\)/,
      );
      const link = byId(r, 'rnn/word-embedding-forward');
      expect(link.status).toBe('error');
      expect(link.message).toBe(
        `${at('word-embedding.ts')}: ${at('word-embedding.ts')} is a symbolic link to ${fromRoot('packages/rnn/src/word-embedding.ts')}; submit the file itself, not a link`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('row 5, the link one level up: a chapter folder that is a symbolic link to the reference', () => {
  it('scores 0, every file of it refused with the link named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'course-hostile-'));
    try {
      symlinkSync(fromRoot('packages/rnn/src'), join(dir, 'rnn'));
      const r = await grade({
        submission: dir,
        filter: ['rnn/rnn-step-forward', 'rnn/word-embedding-forward'],
      });
      expectNothing(r);
      for (const e of r.exercises) {
        expect(e.status).toBe('error');
        expect(e.message).toMatch(
          new RegExp(
            `^.*/rnn/[\\w-]+\\.ts: .*/rnn is a symbolic link to ${fromRoot('packages/rnn/src')}; submit the file itself, not a link$`,
          ),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("row 6: answers through the grader's own helpers, or right only while it sees it is graded", () => {
  it('scores 0: the helpers are an import the rule refuses, and there is nothing to see', async () => {
    const r = await grade({
      submission: hostile('detect-grading'),
      filter: ['rnn/word-embedding-forward', 'rnn/temporal-softmax-loss-and-grad'],
    });
    expectNothing(r);
    expect(byId(r, 'rnn/word-embedding-forward')).toMatchObject({ status: 'error' });
    expect(byId(r, 'rnn/word-embedding-forward').message).toBe(
      `${shown('detect-grading')}/word-embedding.ts:2 imports '@rnn-course/grader/testing': ` +
        `an exercise may import only @rnn-course/core and files of ${shown('detect-grading')}/`,
    );
    // the environment the learner's code sees has no COURSE_* or VITEST* variable
    expect(byId(r, 'rnn/temporal-softmax-loss-and-grad').message).toMatch(
      /^loss: expected [\d.]+, received -1/,
    );
  });
});

describe("row 7: the hand-written backward computed with the core's autograd", () => {
  it('scores 0 on the backward, and on a forward that builds a graph for it, saying why', async () => {
    const r = await grade({
      submission: hostile('autograd'),
      filter: ['rnn/rnn-step-forward', 'rnn/rnn-step-backward', 'rnn/rnn-forward'],
    });
    // the forward is written by hand: its values pass (it loses only the point of refusing bad
    // shapes, which this fixture does not do), and nothing in it is refused for autograd
    const stepForward = byId(r, 'rnn/rnn-step-forward');
    expect(stepForward.tests.find((t) => t.name.startsWith('nextH'))?.status).toBe('passed');
    expect(stepForward.score).toBeGreaterThan(0);
    expect(stepForward.tests.map((t) => t.message).join('\n')).not.toMatch(/autograd/);
    const backward = byId(r, 'rnn/rnn-step-backward');
    expect(backward).toMatchObject({ status: 'failed', score: 0 });
    expect(backward.message).toBe(
      "Error: matmul on a tensor that requires grad: rnn/rnn-step-backward asks for gradients derived by hand, so the core's autograd is switched off while rnnStepBackward runs: compute them from the chapter's equations (chapter 0, 'Hand-derived means hand-derived') " +
        `(at ${shown('autograd')}/rnn-step.ts:9:23)`,
    );
    const forward = byId(r, 'rnn/rnn-forward');
    expect(forward).toMatchObject({ status: 'failed', score: 0 });
    expect(forward.message).toMatch(
      /^Error: timeStep on a tensor that requires grad: rnn\/rnn-backward asks for gradients derived by hand, so the core's autograd is switched off while rnnForward runs/,
    );
  });
});

describe('honest submissions', () => {
  it("score what the worked solutions score, with 'import' in every file's comments and strings", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'course-honest-'));
    try {
      cpSync(fromRoot('solutions/rnn'), join(dir, 'rnn'), { recursive: true });
      for (const name of readdirSync(join(dir, 'rnn'))) {
        if (!name.endsWith('.ts')) continue;
        const file = join(dir, 'rnn', name);
        writeFileSync(
          file,
          "// import { rnnStep } from '@rnn-course/rnn'; would be the reference: not used here\n" +
            `${readFileSync(file, 'utf8')}\n` +
            "/** ids come from the vocabulary import; see import('node:fs') in the notes. */\n" +
            "export const NOTE = \"import * as fs from 'node:fs'; require('child_process')\";\n",
        );
      }
      const r = await grade({ submission: dir, filter: ['rnn'] });
      expect(
        r.exercises.filter((e) => e.status !== 'passed').map((e) => [e.id, e.message]),
      ).toEqual([]);
      expect(r.score).toBe(r.maxScore);
      expect(r.warnings).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a class of hostile submissions graded with grade-batch --seed random', () => {
  /** Each row's student, the exercises its submission attacks, and what the refusal says. */
  const attacks: Record<string, { ids: string[]; says: RegExp }> = {
    'patched-math': {
      ids: ['rnn/word-embedding-forward', 'rnn/word-embedding-backward'],
      says: /wrong/,
    },
    'patched-intrinsics': {
      ids: ['rnn/temporal-affine-forward', 'rnn/word-embedding-forward'],
      says: /^out: wrong everywhere/,
    },
    'fake-events': {
      ids: ['rnn/rnn-step-forward', 'rnn/rnn-step-backward', 'rnn/word-embedding-forward'],
      says: /was refused/,
    },
    'rewrite-suite': {
      ids: ['rnn/word-embedding-forward', 'rnn/word-embedding-backward'],
      says: /process.getBuiltinModule\('fs'\) was refused/,
    },
    reference: {
      ids: [
        'rnn/rnn-step-forward',
        'rnn/rnn-forward',
        'rnn/temporal-affine-forward',
        'rnn/temporal-softmax-loss-and-grad',
        'rnn/word-embedding-forward',
      ],
      says: /refused|is not defined|disallowed|symbolic link/,
    },
    'detect-grading': {
      ids: ['rnn/word-embedding-forward', 'rnn/temporal-softmax-loss-and-grad'],
      says: /imports '@rnn-course\/grader\/testing'|^loss: expected/,
    },
    autograd: {
      ids: ['rnn/rnn-step-backward', 'rnn/rnn-forward'],
      says: /the core's autograd is switched off/,
    },
  };

  it("scores each hostile student 0 on what it attacks, with the refusal in the report and the CSV's note; the honest student in full; the course intact", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'course-hostile-class-'));
    const csv = join(dir, 'grades.csv');
    const suites = fromRoot('packages/rnn/grading');
    const suiteHash = (): string[] =>
      readdirSync(suites)
        .sort()
        .map((f) =>
          createHash('sha256')
            .update(readFileSync(join(suites, f)))
            .digest('hex'),
        );
    const before = suiteHash();
    try {
      const klass = join(dir, 'class');
      for (const row of Object.keys(attacks))
        cpSync(hostile(row), join(klass, row), { recursive: true });
      symlinkSync(
        fromRoot('packages/rnn/src/word-embedding.ts'),
        join(klass, 'reference/rnn/word-embedding.ts'),
      );
      cpSync(fromRoot('solutions/rnn'), join(klass, 'zz-honest/rnn'), { recursive: true });
      // chapter 1, where every row of the table attacks
      const chapter1 = ['packages/rnn/manifest.ts'];
      const rows = await gradeBatch(await loadCourse(chapter1), {
        manifestPaths: chapter1,
        dir: klass,
        csv,
        seed: 'random',
        timeoutSeconds: 900,
        // a check's own limit that a loaded machine meets: what is measured here is refusals
        checkTimeoutMs: 120_000,
      });
      expect(rows.map((r) => r.student)).toEqual([...Object.keys(attacks).sort(), 'zz-honest']);
      const lines = readFileSync(csv, 'utf8').split('\n');
      const header = (lines[0] ?? '').split(',');
      for (const row of rows) {
        expect(row.error, row.student).toBeUndefined();
        const report = row.report as Report;
        expect(report.seed, row.student).toBeGreaterThan(0); // drawn at grading time, recorded
        if (row.student === 'zz-honest') {
          const lost = report.exercises.flatMap((e) =>
            e.tests.filter((t) => t.status !== 'passed').map((t) => `${e.id}: ${t.message}`),
          );
          expect(lost, `seed ${report.seed}`).toEqual([]);
          expect(report.score).toBe(report.maxScore);
          continue;
        }
        const attack = attacks[row.student] as { ids: string[]; says: RegExp };
        for (const id of attack.ids) {
          const e = byId(report, id);
          expect([row.student, id, e.score]).toEqual([row.student, id, 0]);
          expect(e.tests.filter((t) => t.status === 'passed').map((t) => t.name)).toEqual([]);
          expect(e.message, `${row.student} ${id}`).toMatch(attack.says);
        }
        // the CSV row: 0 in every attacked column, the seed, and the refusals that errored
        const cells = lines.find((l) => l.startsWith(`${row.student},`))?.split(',') ?? [];
        for (const id of attack.ids)
          expect(cells[header.indexOf(id)], `${row.student} ${id}`).toBe('0');
        expect(cells[header.indexOf('seed')]).toBe(String(report.seed));
      }
      const line = (student: string): string =>
        lines.find((l) => l.startsWith(`${student},`)) ?? '';
      expect(line('rewrite-suite')).toContain("process.getBuiltinModule('fs') was refused");
      expect(line('reference')).toContain('is a symbolic link to');
      expect(suiteHash()).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 1_800_000);
});

describe('beyond the table: the network', () => {
  it('scores 0: fetch is refused at import, with what was refused', async () => {
    const r = await grade({ submission: hostile('network'), filter: ['rnn/clip-grad-norm'] });
    expectNothing(r);
    const e = byId(r, 'rnn/clip-grad-norm');
    expect(e.status).toBe('error');
    expect(e.message).toMatch(
      /^could not import .*\/network\/rnn\/clip-grad-norm.ts: fetch was refused: code in the sandbox may not use the network/,
    );
  });
});
