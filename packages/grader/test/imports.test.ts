import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkImports, courseOf, defineChapter, findImports } from '../src/index';

describe('findImports', () => {
  it('finds static, side-effect, re-export, dynamic and require imports with their lines', () => {
    const source = [
      "import { a } from './a';",
      "import * as core from '@rnn-course/core';",
      "import './side-effect';",
      "export { b } from './b';",
      'const m = await import("./dyn");',
      "const r = require('fs');",
      'import {',
      '  c,',
      '  d as e,',
      "} from './multi';",
    ].join('\n');
    expect(findImports(source).map((i) => [i.specifier, i.line])).toEqual([
      ['./a', 1],
      ['@rnn-course/core', 2],
      ['./side-effect', 3],
      ['./b', 4],
      ['./dyn', 5],
      ['fs', 6],
      ['./multi', 7],
    ]);
  });

  it('ignores commented-out imports and marks type-only ones', () => {
    const source = [
      "// import { x } from 'commented';",
      "/* import { y } from 'block-commented'; */",
      "import type { Tensor } from '@rnn-course/rnn';",
      "const s = '// not a comment'; import { z } from './z';",
    ].join('\n');
    const found = findImports(source);
    expect(found.map((i) => [i.specifier, i.typeOnly])).toEqual([
      ['@rnn-course/rnn', true],
      ['./z', false],
    ]);
  });

  it('flags a computed import path', () => {
    const found = findImports("const name = 'x';\nawait import(name);\nrequire(`./${name}`);");
    expect(found.map((i) => i.computed)).toEqual([true, true]);
  });
});

describe('checkImports', () => {
  const root = mkdtempSync(join(tmpdir(), 'imports-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string): void => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  // The file is the id's (`one/a` is one/a.ts); the tests write the files they need.
  const exercise = (id: string, _file: string) => ({
    id,
    title: id,
    points: 1,
    section: 'x',
    week: 1,
    hints: { h: 'h' },
  });
  const course = courseOf([
    defineChapter({
      chapter: 'one',
      title: 'One',
      package: 'packages/one',
      exercises: [exercise('one/a', 'one/a.ts')],
    }),
    defineChapter({
      chapter: 'two',
      title: 'Two',
      package: 'packages/two',
      exercises: [
        exercise('two/ok', 'two/ok.ts'),
        exercise('two/own', 'two/own.ts'),
        exercise('two/deep', 'two/deep.ts'),
      ],
    }),
    defineChapter({
      chapter: 'three',
      title: 'Three',
      package: 'packages/three',
      exercises: [],
    }),
  ]);

  it("allows the core, earlier chapters and the chapter's own files; refuses the rest, also through a helper", () => {
    write(
      'two/ok.ts',
      "import { x } from '@rnn-course/core';\nimport { y } from '@rnn-course/one';\nimport { h } from './helper';\n",
    );
    write('two/helper.ts', 'export const h = 1;\n');
    write(
      'two/own.ts',
      "import { rnn } from '@rnn-course/two';\nimport { later } from '@rnn-course/three';\n",
    );
    write('two/deep.ts', "import { g } from './lib/g';\n");
    write(
      'two/lib/g.ts',
      "import { readFileSync } from 'node:fs';\nexport const g = readFileSync;\n",
    );
    const found = checkImports(
      course,
      course.exercises.filter((e) => e.chapter.manifest.chapter === 'two'),
      root,
    );
    expect(found.has('two/ok')).toBe(false);
    expect(found.get('two/own')?.map((v) => [v.specifier, v.line])).toEqual([
      ['@rnn-course/two', 1],
      ['@rnn-course/three', 2],
    ]);
    expect(found.get('two/own')?.[0]?.reason).toContain("this chapter's reference implementation");
    expect(found.get('two/own')?.[1]?.reason).toContain("a later chapter's package");
    const deep = found.get('two/deep')?.[0];
    expect([deep?.specifier, deep?.file.endsWith('two/lib/g.ts')]).toEqual(['node:fs', true]);
  });

  it('refuses an earlier chapter importing a later one', () => {
    write('one/a.ts', "import { z } from '@rnn-course/two';\n");
    const found = checkImports(
      course,
      course.exercises.filter((e) => e.id === 'one/a'),
      root,
    );
    expect(found.get('one/a')?.[0]?.reason).toContain("a later chapter's package");
  });
});
