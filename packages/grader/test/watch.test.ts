/**
 * `watch`: one grading per save that changes something, the screen redrawn in place on a
 * terminal, and hints that point at a key.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLEAR, contentOf, frame } from '../src/commands/watch';
import { repoRoot } from '../src/paths';
import { fixtureManifestPath, target } from './fixture-paths';

const work = mkdtempSync(join(tmpdir(), 'course-watch-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('watch, the pieces', () => {
  it('a frame on a terminal clears the screen and its scrollback first; elsewhere it does not', () => {
    expect(frame('a\nb', true)).toBe(`${CLEAR}a\nb\n`);
    expect(CLEAR).toBe('\u001b[H\u001b[2J\u001b[3J');
    expect(frame('a\nb', false)).toBe('a\nb\n\n');
  });

  it('the content of the watched files changes only when a file does', () => {
    const dir = join(work, 'content');
    cpSync(target('not-implemented'), dir, { recursive: true });
    const file = join(dir, 'fixture/sum.ts');
    const before = contentOf([join(dir, 'fixture')]);
    writeFileSync(file, readFileSync(file)); // a save that changes nothing
    expect(contentOf([join(dir, 'fixture')])).toBe(before);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n`);
    expect(contentOf([join(dir, 'fixture')])).not.toBe(before);
  });
});

describe('watch on standard input', () => {
  it('grades once per save that changes a file, moves on when it passes, and says press h', async () => {
    const dir = join(work, 'learner');
    cpSync(target('not-implemented'), dir, { recursive: true });
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(repoRoot, 'packages/grader/src/cli.ts'),
        'watch',
        'fixture/sum',
        '--target',
        dir,
      ],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          COURSE_MANIFESTS: fixtureManifestPath,
          COURSE_STATE_DIR: join(work, 'state'),
          NO_COLOR: '1',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const gradings = (): number => out.match(/graded in [\d.]+ s/g)?.length ?? 0;
    const until = (ok: () => boolean): Promise<void> =>
      new Promise((done) => {
        const look = (): void => (ok() ? done() : void setTimeout(look, 50));
        look();
      });
    const quiet = (ms: number): Promise<void> => new Promise((d) => setTimeout(d, ms));

    await until(() => gradings() === 1);
    expect(out).toMatch(/fixture\/sum Sum an array\s+not-started\s+0\/2/);
    const sum = join(dir, 'fixture/sum.ts');
    writeFileSync(sum, readFileSync(sum)); // saved, unchanged: no grading
    await quiet(3_000);
    expect(gradings()).toBe(1);
    // one save that changes the file, written in two steps as some editors do
    const solved = readFileSync(join(target('correct'), 'fixture/sum.ts'), 'utf8');
    writeFileSync(sum, '');
    writeFileSync(sum, solved);
    await until(() => gradings() === 2);
    await quiet(3_000);
    expect(gradings()).toBe(2);
    expect(out).toContain('✓ fixture/sum passes. Moving on to fixture/scale.');
    child.stdin.write('h\n');
    await until(() => out.includes('Hint 1 of 2 (multiply)'));
    expect(out).toContain('More: press h again');
    expect(out).not.toContain('More: npm run course -- hint');
    child.stdin.write('q\n');
    expect(await new Promise<number | null>((done) => child.on('close', done))).toBe(0);
  }, 180_000);
});
