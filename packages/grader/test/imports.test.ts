import { describe, expect, it } from 'vitest';
import { checkImports, describeViolation } from '../src/index';
import { scratch, twoChapters } from './sandbox/helpers';

describe('checkImports (the rule applied where imports resolve)', () => {
  const later = twoChapters.exercises.filter((e) => e.chapter.manifest.chapter === 'later');
  const first = twoChapters.exercises.filter((e) => e.id === 'rnn/rnn-step-forward');

  it('allows the core, earlier chapters and files of the chapter folder', async () => {
    const target = scratch({
      'later/step.ts':
        "import { add } from '@rnn-course/core';\nimport { rnnStep } from '@rnn-course/rnn';\nimport { h } from './helper';\nexport const step = [add, rnnStep, h];\n",
      'later/helper.ts': 'export const h = 1;\n',
    });
    try {
      expect(await checkImports(twoChapters, later, target.dir)).toEqual(new Map());
    } finally {
      target.cleanup();
    }
  });

  it('refuses what the rule refuses, also through a helper file, with the line of each import', async () => {
    const target = scratch({
      'later/step.ts':
        "import { g } from './lib/g';\nimport { laterStep } from '@rnn-course/later';\nexport const step = [g, laterStep];\n",
      'later/lib/g.ts': "import { readFileSync } from 'node:fs';\nexport const g = readFileSync;\n",
    });
    try {
      const found = await checkImports(twoChapters, later, target.dir);
      const lines = (found.get('later/step') ?? []).map((v) => [
        v.file.slice(target.dir.length + 1),
        v.line,
        v.specifier,
      ]);
      expect(lines).toEqual([
        ['later/lib/g.ts', 1, 'node:fs'],
        ['later/step.ts', 2, '@rnn-course/later'],
      ]);
      expect(describeViolation(found.get('later/step')?.[1] as never)).toMatch(
        /later\/step.ts:2 imports '@rnn-course\/later': that is this chapter's reference implementation/,
      );
    } finally {
      target.cleanup();
    }
  });

  it('does not count text in strings and comments, and refuses an earlier chapter importing a later one', async () => {
    const target = scratch({
      'rnn/rnn-step.ts':
        "// import { laterStep } from '@rnn-course/later';\nexport const s = \"import { rnnStep } from '@rnn-course/rnn'\";\n",
    });
    try {
      expect(await checkImports(twoChapters, first, target.dir)).toEqual(new Map());
    } finally {
      target.cleanup();
    }
    const bad = scratch({ 'rnn/rnn-step.ts': "export { laterStep } from '@rnn-course/later';\n" });
    try {
      const found = await checkImports(twoChapters, first, bad.dir);
      expect(found.get('rnn/rnn-step-forward')?.[0]?.reason).toContain("a later chapter's package");
    } finally {
      bad.cleanup();
    }
  });
});
