import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleTarget, describeViolation, type BundledFile } from '../../src/sandbox/index';
import { displayPath } from '../../src/paths';
import { course, fixture, scratch, twoChapters } from './helpers';

/** Bundles files given as text and returns each file's outcome, violations as one-line text. */
async function outcome(
  files: Parameters<typeof scratch>[0],
  which = course,
): Promise<Record<string, string>> {
  const target = scratch(files);
  const bundle = await bundleTarget({ course: which, targetDir: target.dir });
  try {
    const out: Record<string, string> = {};
    for (const c of bundle.chapters) {
      for (const [file, result] of Object.entries(c.files))
        out[file] = describe1(result, target.dir);
    }
    return out;
  } finally {
    bundle.cleanup();
    target.cleanup();
  }
}

function describe1(result: BundledFile, dir: string): string {
  if (result.status === 'ok') return 'ok';
  if (result.status === 'failed')
    return `failed: ${result.message.replaceAll(displayPath(dir), 'T')}`;
  return result.violations
    .map((v) => describeViolation(v, (p) => p.replace(dir, 'T')))
    .join('\n')
    .replaceAll(displayPath(dir), 'T');
}

const CORE = "import { add, type Tensor } from '@rnn-course/core';\n";

describe('the import rule, applied where imports resolve', () => {
  it('allows the core, files of the chapter folder and type-only imports of anything', async () => {
    const out = await outcome({
      'rnn/rnn-step.ts': `${CORE}import { helper } from './helpers/maths';\nimport type { rnnStep } from '@rnn-course/rnn';\nexport const f = (a: Tensor) => helper(add(a, a));\nexport type S = typeof rnnStep;\n`,
      'rnn/helpers/maths.ts': 'export const helper = <T>(x: T): T => x;\n',
    });
    expect(out).toEqual({ 'rnn/rnn-step.ts': 'ok' });
  });

  it('ignores text in strings and comments, however much it looks like an import', async () => {
    const out = await outcome({
      'rnn/rnn-step.ts': [
        "// import { rnnStep } from '@rnn-course/rnn';",
        "/* const fs = require('node:fs'); */",
        'export const note = "import { rnnStep } from \'@rnn-course/rnn\'";',
        "export const template = `await import('node:child_process')`;",
        'export const importCount = 1; // the word import, as a name',
      ].join('\n'),
    });
    expect(out).toEqual({ 'rnn/rnn-step.ts': 'ok' });
  });

  it("refuses the chapter's reference, Node's modules, other packages and files outside the chapter, naming file and line", async () => {
    const out = await outcome({
      'rnn/rnn-step.ts': `${CORE}\nimport { rnnStep } from '@rnn-course/rnn';\nexport const f = rnnStep;\n`,
      'rnn/word-embedding.ts': "const cp = require('node:child_process');\nexport const g = cp;\n",
      'rnn/sample-with-temperature.ts':
        "import { check } from '@rnn-course/grader';\nexport const h = check;\n",
      'rnn/tbptt-step.ts': "import { x } from '../elsewhere/x';\nexport const y = x;\n",
      'rnn/clip-grad-norm.ts':
        "import { matmul } from '@rnn-course/core/src/ops/matmul';\nexport const m = matmul;\n",
      'elsewhere/x.ts': 'export const x = 1;\n',
    });
    const allowed = '(allowed: @rnn-course/core and files of T/rnn/)';
    expect(out).toEqual({
      'rnn/rnn-step.ts': `T/rnn/rnn-step.ts:3 imports '@rnn-course/rnn': that is this chapter's reference implementation; the exercise must be your own code ${allowed}`,
      'rnn/word-embedding.ts': `T/rnn/word-embedding.ts:1 imports 'node:child_process': Node's built-in modules are not available to exercises ${allowed}`,
      'rnn/sample-with-temperature.ts':
        "T/rnn/sample-with-temperature.ts:1 imports '@rnn-course/grader': an exercise may import only @rnn-course/core and files of T/rnn/",
      'rnn/tbptt-step.ts':
        "T/rnn/tbptt-step.ts:1 imports '../elsewhere/x': it reaches outside T/rnn/; an exercise may import only files of its own chapter",
      'rnn/clip-grad-norm.ts': `T/rnn/clip-grad-norm.ts:1 imports '@rnn-course/core/src/ops/matmul': import the package itself, '@rnn-course/core', not a file inside it ${allowed}`,
    });
  });

  it('lets a later chapter import an earlier reference, and not its own; the earlier may not import the later', async () => {
    const out = await outcome(
      {
        'rnn/rnn-step.ts':
          "import { laterStep } from '@rnn-course/later';\nexport const f = laterStep;\n",
        'later/step.ts':
          "import { rnnStep } from '@rnn-course/rnn';\nimport { laterStep } from '@rnn-course/later';\nexport const step = [rnnStep, laterStep];\n",
      },
      twoChapters,
    );
    expect(out['rnn/rnn-step.ts']).toMatch(
      /^T\/rnn\/rnn-step.ts:1 imports '@rnn-course\/later': that is a later chapter's package/,
    );
    expect(out['later/step.ts']).toMatch(
      /^T\/later\/step.ts:2 imports '@rnn-course\/later': that is this chapter's reference implementation; the exercise must be your own code \(allowed: @rnn-course\/core, @rnn-course\/rnn and files of T\/later\/\)$/,
    );
    const ok = await outcome(
      {
        'later/step.ts':
          "import { rnnStep } from '@rnn-course/rnn';\nexport const step = rnnStep;\n",
      },
      twoChapters,
    );
    expect(ok).toEqual({ 'later/step.ts': 'ok' });
  });

  it('refuses a file that is a symbolic link, and a file in a linked folder', async () => {
    const out = await outcome({
      'rnn/rnn-step.ts': { link: join(process.cwd(), '../rnn/src/rnn-step.ts') },
      'rnn/word-embedding.ts': "import { x } from './linked/x';\nexport const e = x;\n",
      'real/x.ts': 'export const x = 1;\n',
    });
    expect(out['rnn/rnn-step.ts']).toMatch(
      /^T\/rnn\/rnn-step.ts: T\/rnn\/rnn-step.ts is a symbolic link to .*packages\/rnn\/src\/rnn-step.ts; submit the file itself, not a link$/,
    );
    expect(out['rnn/word-embedding.ts']).toBe(
      "failed: T/rnn/word-embedding.ts:1:19: cannot find './linked/x' (looked for rnn/linked/x.ts, .js and /index.ts)",
    );
    const linkedFolder = await outcome({
      'rnn/word-embedding.ts': "import { x } from './lib/x';\nexport const e = x;\n",
      'rnn/lib': { link: '../real' },
      'real/x.ts': 'export const x = 1;\n',
    });
    expect(linkedFolder['rnn/word-embedding.ts']).toBe(
      "T/rnn/word-embedding.ts:1 imports './lib/x': T/rnn/lib is a symbolic link to ../real; submit the file itself, not a link",
    );
  });

  it("keeps one file's syntax error to that file", async () => {
    const out = await outcome({
      'rnn/rnn-step.ts': 'export const f = (;\n',
      'rnn/word-embedding.ts': `${CORE}export const g = (t: Tensor) => add(t, t);\n`,
    });
    expect(out['rnn/word-embedding.ts']).toBe('ok');
    expect(out['rnn/rnn-step.ts']).toBe(
      'failed: syntax error at T/rnn/rnn-step.ts:1:19: Unexpected ";"',
    );
  });
});

describe('the bundle folder', () => {
  const honest = fixture('targets/honest');
  let cleanup = (): void => {};
  afterAll(() => cleanup());

  it('holds the runtime, the shared core, and the learner files with source maps, and nothing of the reference', async () => {
    const bundle = await bundleTarget({ course, targetDir: honest });
    cleanup = bundle.cleanup;
    const rnn = bundle.chapterOf('rnn/rnn-step.ts');
    expect(rnn?.packages).toEqual(['core']);
    const dir = rnn?.dir ?? '';
    for (const f of [
      'host.mjs',
      'deps/core.mjs',
      'learner/rnn/rnn-step.mjs',
      'learner/rnn/rnn-step.mjs.map',
      'bundle.json',
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(existsSync(join(dir, 'deps/rnn.mjs'))).toBe(false);
    // rnn-step.ts is imported by rnn.ts too, so its code sits in a shared chunk
    const learner = readdirSync(join(dir, 'learner'), { recursive: true })
      .filter((f) => String(f).endsWith('.mjs'))
      .map((f) => readFileSync(join(dir, 'learner', String(f)), 'utf8'))
      .join('\n');
    expect(learner).not.toContain('class Tensor'); // the core is imported, not copied in
    expect(learner).toContain(join(dir, 'deps/core.mjs'));
    expect(bundle.file('rnn/rnn.ts')).toEqual({
      status: 'ok',
      module: 'learner/rnn/rnn.mjs',
    });
  });

  it('reuses the cached core while its sources are unchanged', async () => {
    const index = join(fixture('.'), '../../../../.course/sandbox/cache/host.json');
    const a = await bundleTarget({ course, targetDir: honest });
    const before = readFileSync(index, 'utf8');
    const b = await bundleTarget({ course, targetDir: honest });
    try {
      expect(readFileSync(index, 'utf8')).toBe(before);
      const core = (d: string) => readFileSync(join(d, 'rnn/deps/core.mjs'), 'utf8');
      expect(core(b.dir)).toBe(core(a.dir));
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });
});
