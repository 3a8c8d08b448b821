import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grade } from '../src/index';
import { displayPath, repoRoot } from '../src/paths';
import { stageSuites, stagedSuitesPlugin } from '../src/staged-suites';
import fixtureChapter from './fixtures/chapter/manifest';
import tamperingChapter from './fixtures/tampering/manifest';
import { fixturesDir, target } from './fixture-paths';

describe('stageSuites', () => {
  mkdirSync(join(repoRoot, '.course'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, '.course/suites-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const grading = join(dir, 'grading');
  mkdirSync(join(grading, 'helpers'), { recursive: true });
  writeFileSync(join(grading, 'a.grade.ts'), '// a\n');
  writeFileSync(join(grading, 'helpers/h.ts'), '// h\n');

  it('copies the suites folder read-only and maps paths both ways', () => {
    const staged = stageSuites([join(grading, 'a.grade.ts')]);
    try {
      const copy = staged.staged(join(grading, 'a.grade.ts'));
      expect(copy).not.toBe(join(grading, 'a.grade.ts'));
      expect(existsSync(staged.staged(join(grading, 'helpers/h.ts')))).toBe(true);
      expect(statSync(copy).mode & 0o777).toBe(0o444);
      expect(staged.original(copy)).toBe(join(grading, 'a.grade.ts'));
      expect(staged.original('/somewhere/else.ts')).toBe('/somewhere/else.ts');
      expect(staged.changed()).toEqual([]);
    } finally {
      staged.cleanup();
    }
  });

  it('lists a changed copy, a changed original and an added file', () => {
    const staged = stageSuites([join(grading, 'a.grade.ts')]);
    try {
      const copy = staged.staged(join(grading, 'a.grade.ts'));
      chmodSync(copy, 0o644);
      writeFileSync(copy, '// rewritten\n');
      writeFileSync(join(grading, 'helpers/h.ts'), '// rewritten too\n');
      const helpers = join(copy, '../helpers');
      chmodSync(helpers, 0o755);
      writeFileSync(join(helpers, 'new.ts'), '');
      const shown = displayPath(grading);
      expect(staged.changed()).toEqual([
        `${shown}/a.grade.ts (staged copy)`,
        `${shown}/helpers/h.ts`,
        `${shown}/helpers/new.ts (added to the staged copy)`,
      ]);
    } finally {
      staged.cleanup();
      writeFileSync(join(grading, 'helpers/h.ts'), '// h\n');
    }
    expect(existsSync(staged.staged(join(grading, 'a.grade.ts')))).toBe(false);
  });

  it("resolves a relative import leaving the copied folder from the original's place", async () => {
    const plugin = stagedSuitesPlugin(JSON.stringify({ '/staged/grading': '/course/pkg/grading' }));
    const seen: Array<[string, string | undefined]> = [];
    const ctx = {
      resolve: async (id: string, importer?: string) => {
        seen.push([id, importer]);
        return { id: 'resolved' };
      },
    };
    expect(await plugin.resolveId.call(ctx, '../src/x', '/staged/grading/a.grade.ts')).toEqual({
      id: 'resolved',
    });
    expect(seen).toEqual([['../src/x', '/course/pkg/grading/a.grade.ts']]);
    expect(plugin.resolveId.call(ctx, './helpers/h', '/staged/grading/a.grade.ts')).toBeUndefined();
    expect(
      plugin.resolveId.call(ctx, '@rnn-course/core', '/staged/grading/a.grade.ts'),
    ).toBeUndefined();
  });

  it("gives a staged suite its original's import.meta.url, so that it reads the chapter's fixtures", () => {
    const plugin = stagedSuitesPlugin(JSON.stringify({ '/staged/grading': '/course/pkg/grading' }));
    const code = "readFileSync(new URL('../fixtures/lstm.json', import.meta.url), 'utf8');";
    expect(plugin.transform(code, '/staged/grading/a.grade.ts?v=1')).toBe(
      `readFileSync(new URL('../fixtures/lstm.json', "file:///course/pkg/grading/a.grade.ts"), 'utf8');`,
    );
    // files outside the staged folders, and code without import.meta.url, are left alone
    expect(plugin.transform(code, '/course/pkg/src/x.ts')).toBeUndefined();
    expect(plugin.transform('const a = 1;', '/staged/grading/a.grade.ts')).toBeUndefined();
  });
});

describe('a submission that rewrites the suites that grade it', () => {
  it('is refused in the sandbox: that file is error with what was refused, the rest graded, the run stands', async () => {
    const r = await grade({
      manifests: [fixtureChapter],
      target: target('rewrites-suite'),
      timeoutMs: 5_000,
    });
    const scale = r.exercises.find((e) => e.id === 'fixture/scale');
    expect(scale).toMatchObject({ status: 'error', score: 0 });
    expect(scale?.message).toMatch(
      /^could not import .*rewrites-suite\/fixture\/scale.ts: process.getBuiltinModule\('fs'\) was refused: exercises may not use Node's built-in modules/,
    );
    expect(r.exercises.find((e) => e.id === 'fixture/sum')).toMatchObject({ status: 'passed' });
    expect(r.warnings).toEqual([]);
  });
});

describe('a grading run whose suite changes while it runs', () => {
  // The fixture suite rewrites its staged copy when the learner's function asks it to, standing
  // in for a submission with write access (which the sandbox denies).
  it('is void: every exercise error, score 0, with a message naming the suite', async () => {
    const r = await grade({
      manifests: [tamperingChapter],
      target: join(fixturesDir, 'tampering/students/mallory'),
      timeoutMs: 5_000,
    });
    expect(r.score).toBe(0);
    for (const e of r.exercises) {
      expect(e.status).toBe('error');
      expect(e.message).toMatch(
        /^grading suites changed during the run, so the run is void: .*packages\/grader\/test\/fixtures\/tampering\/grading\/act.grade.ts \(staged copy\)/,
      );
    }
    expect(r.warnings?.[0]).toMatch(/run is void/);
  });

  it('an honest submission of the same chapter passes', async () => {
    const r = await grade({
      manifests: [tamperingChapter],
      target: join(fixturesDir, 'tampering/students/ned'),
      timeoutMs: 5_000,
    });
    expect(r).toMatchObject({ score: 1, maxScore: 1, warnings: [] });
  });
});
