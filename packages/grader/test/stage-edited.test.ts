import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits, stageEdited } from '../src/index';
import { isInside, targetsDir } from '../src/paths';
import { target } from './fixture-paths';

const from = target('correct');
const file = 'fixture/scale.ts';
const original = readFileSync(join(from, file), 'utf8');

describe('stageEdited', () => {
  it('copies the folder into a fresh one under .course/targets/, with the edits applied in order to the one file', () => {
    const staged = stageEdited({
      from,
      file,
      edits: [
        { find: 'x * s', replace: 'x + s' },
        { find: 'x + s', replace: 'x + s + $&' }, // sees the first edit; `$&` is kept as written
      ],
    });
    try {
      expect(isInside(targetsDir, staged.dir)).toBe(true);
      expect(readdirSync(staged.dir, { recursive: true }).sort()).toEqual([
        'fixture',
        join('fixture', 'scale.ts'),
        join('fixture', 'sum.ts'),
      ]);
      expect(readFileSync(join(staged.dir, 'fixture/sum.ts'), 'utf8')).toBe(
        readFileSync(join(from, 'fixture/sum.ts'), 'utf8'),
      );
      expect(readFileSync(join(staged.dir, file), 'utf8')).toBe(
        original.replace('x * s', () => 'x + s + $&'),
      );
    } finally {
      staged.cleanup();
    }
  });

  it('throws, naming the file, the edit and the count, when a find does not occur', () => {
    const edits = [
      { find: 'x * s', replace: 'x / s' },
      { find: 'x ** s', replace: 'x' },
    ];
    expect(() => stageEdited({ from, file, edits })).toThrow(
      'fixture/scale.ts: edit 2 of 2 finds "x ** s" 0 times; it must occur exactly once',
    );
  });

  it('throws when a find occurs twice', () => {
    expect(original.split('number[]')).toHaveLength(3);
    expect(() =>
      stageEdited({ from, file, edits: [{ find: 'number[]', replace: 'number' }] }),
    ).toThrow('fixture/scale.ts: edit 1 of 1 finds "number[]" 2 times; it must occur exactly once');
  });

  it('cleanup removes the staged folder', () => {
    const staged = stageEdited({ from, file, edits: [] });
    expect(readFileSync(join(staged.dir, file), 'utf8')).toBe(original);
    staged.cleanup();
    expect(existsSync(staged.dir)).toBe(false);
  });

  it('throws on an empty find and on a file the folder lacks', () => {
    expect(() => applyEdits('abc', [{ find: '', replace: 'x' }], 'f.ts')).toThrow(
      'f.ts: edit 1 of 1 has an empty find',
    );
    expect(() => stageEdited({ from, file: 'fixture/absent.ts', edits: [] })).toThrow(
      /fixture\/absent\.ts not found/,
    );
  });
});
