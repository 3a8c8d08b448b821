import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import rnnManifest from '../../../rnn/manifest';
import { courseOf } from '../../src/index';
import { repoRoot } from '../../src/paths';
import {
  compareDocuments,
  documentOf,
  normalizedTokens,
  similarityReport,
  toSimilarityCsv,
  toSimilarityMarkdown,
  winnow,
  writeSimilarityReport,
  type Token,
} from '../../src/similarity/index';

const solution = readFileSync(join(repoRoot, 'solutions/rnn/rnn-step.ts'), 'utf8');

/** The solution with its local names renamed, its comments rewritten and blank lines added. */
function disguise(source: string, suffix: string): string {
  return source
    .replace(/\/\/[^\n]*/g, '// my own words')
    .replace(/\/\*\*[\s\S]*?\*\//g, '/* rewritten */')
    .replace(/\b(da|dx|dprevH|dWx|dWh|db|nextH|prevH)\b/g, (m) => `${m}${suffix}`)
    .replace(/;\n/g, ';\n\n');
}

describe('normalised tokens', () => {
  it('turn identifiers, numbers, strings and regular expressions into classes, and drop comments', () => {
    const texts = (s: string): string[] => normalizedTokens(s).map((t) => t.text);
    expect(texts("const a = f(x, 1e-5) + 'q'; // c\n/* d */ return /a+b/g.test(`t${y}`);")).toEqual(
      [
        'const',
        'ID',
        '=',
        'ID',
        '(',
        'ID',
        ',',
        'NUM',
        ')',
        '+',
        'STR',
        ';',
        'return',
        'RE',
        '.',
        'ID',
        '(',
        'STR',
        ')',
        ';',
      ],
    );
    expect(texts('let total = x / y;')).toEqual(['let', 'ID', '=', 'ID', '/', 'ID', ';']);
    // import declarations say nothing about copying; a dynamic import() is code
    expect(
      texts(
        "import { a, b } from 'x';\nimport type { T } from 'y';\nimport 'z';\nf(await import('w'));",
      ),
    ).toEqual(['ID', '(', 'await', 'import', '(', 'STR', ')', ')', ';']);
  });

  it("are the same for a renamed, re-commented copy, and keep each token's line", () => {
    const plain = normalizedTokens(solution).map((t) => t.text);
    expect(normalizedTokens(disguise(solution, 'Mine')).map((t) => t.text)).toEqual(plain);
    const lines = normalizedTokens('a\n\n  b /* x\n y */ c');
    expect(lines.map((t: Token) => t.line)).toEqual([1, 3, 4]);
  });
});

describe('winnowing', () => {
  /** `count` tokens drawn from a seeded sequence over a large alphabet. */
  const tokensOf = (seed: number, count: number): Token[] => {
    let s = seed;
    return Array.from({ length: count }, () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return { text: `t${s % 1000}`, line: 1 };
    });
  };

  it('finds every shared run of w + k - 1 tokens, and no run shorter than k', () => {
    const k = 12;
    const w = 8;
    for (let seed = 1; seed <= 20; seed++) {
      const shared = tokensOf(seed * 7919, w + k - 1);
      const a = [...tokensOf(seed, 40), ...shared, ...tokensOf(seed + 100, 40)];
      const b = [...tokensOf(seed + 200, 30), ...shared, ...tokensOf(seed + 300, 30)];
      const fa = new Set(winnow(a, { k, w }).map((f) => f.hash));
      expect(
        winnow(b, { k, w }).some((f) => fa.has(f.hash)),
        `seed ${seed}`,
      ).toBe(true);
      const short = tokensOf(seed * 31, k - 1);
      const c = [...tokensOf(seed + 400, 40), ...short, ...tokensOf(seed + 500, 40)];
      const d = [...tokensOf(seed + 600, 40), ...short, ...tokensOf(seed + 700, 40)];
      const fc = new Set(winnow(c, { k, w }).map((f) => f.hash));
      expect(
        winnow(d, { k, w }).some((f) => fc.has(f.hash)),
        `seed ${seed}`,
      ).toBe(false);
    }
  });
});

describe('comparing two files', () => {
  it('scores a disguised copy 100% and maps the match back to lines of each', () => {
    const m = compareDocuments(
      documentOf('alice', 'rnn/rnn-step.ts', disguise(solution, 'A')),
      documentOf('solutions', 'rnn/rnn-step.ts', solution),
    );
    expect(m.score).toBe(1);
    expect(m.regions.length).toBeGreaterThan(0);
    const firstB = m.regions[0]?.b[0] ?? 0;
    expect(firstB).toBeGreaterThan(0);
    expect(m.regions.at(-1)?.b[1]).toBeLessThanOrEqual(solution.split('\n').length);
  });
});

describe('the class report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'similarity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const put = (student: string, file: string, text: string): void => {
    mkdirSync(dirname(join(dir, student, file)), { recursive: true });
    writeFileSync(join(dir, student, file), text);
  };
  const stub = readFileSync(join(repoRoot, 'exercises/rnn/rnn-step.ts'), 'utf8');
  const own = readFileSync(
    join(repoRoot, 'packages/grader/test/sandbox/targets/honest/rnn/rnn-step.ts'),
    'utf8',
  );
  put('alice', 'rnn/rnn-step.ts', disguise(solution, 'A'));
  put('bob', 'exercises/rnn/rnn-step.ts', disguise(solution, 'B')); // a whole clone
  put('carol', 'rnn/rnn-step.ts', own);
  put('dave', 'rnn/rnn-step.ts', stub);
  put('erin', 'rnn/rnn-step.ts', stub);
  const course = courseOf([rnnManifest]);

  it('reports copies of each other and of the solution, not independent work or the shared stub', () => {
    const r = similarityReport({ course, dir, threshold: 0.6 });
    expect(r.students).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    const pairs = r.matches.map((m) => `${m.a.owner}~${m.b.owner} ${Math.round(m.score * 100)}`);
    expect(pairs).toEqual(['alice~bob 100', 'alice~solutions 100', 'bob~solutions 100']);
  });

  it('compares with the reference package too, naming the reference file', () => {
    const copy = join(dir, 'copier');
    mkdirSync(join(copy, 'rnn'), { recursive: true });
    const reference = readFileSync(join(repoRoot, 'packages/rnn/src/rnn-step.ts'), 'utf8');
    writeFileSync(join(copy, 'rnn/rnn-step.ts'), reference);
    try {
      const r = similarityReport({ course, dir, threshold: 0.6 });
      const found = r.matches.find((m) => m.a.owner === 'copier' && m.b.owner === 'reference');
      expect(found?.b.file).toBe('packages/rnn/src/rnn-step.ts');
      expect(found?.score).toBe(1);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('writes a CSV row per pair and a Markdown page with the matching code side by side', () => {
    const csv = join(dir, 'out/similarity.csv');
    const md = join(dir, 'out/similarity.md');
    const r = writeSimilarityReport({ course, dir, threshold: 0.6, csv, markdown: md });
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('file,a,b,b_file,score,a_matched,b_matched,regions');
    expect(rows[1]).toMatch(
      /^rnn\/rnn-step.ts,alice,bob,rnn\/rnn-step.ts,100%,100%,100%,a \d+-\d+ ~ b \d+-\d+/,
    );
    expect(rows).toHaveLength(1 + r.matches.length);
    const page = readFileSync(md, 'utf8');
    expect(page).toContain('| 1 | 100% | `rnn/rnn-step.ts` | alice | bob | 100% | 100% |');
    expect(page).toContain('## 1. alice and bob: `rnn/rnn-step.ts`, 100%');
    expect(page).toMatch(/alice, lines \d+-\d+:\n\n```ts\n/);
    expect(toSimilarityCsv({ ...r, matches: [] })).toBe(
      'file,a,b,b_file,score,a_matched,b_matched,regions\n',
    );
    expect(toSimilarityMarkdown({ ...r, matches: [] })).toContain('No pair scores 60% or more.');
  });

  it('refuses a threshold outside 0..1', () => {
    expect(() => similarityReport({ course, dir, threshold: 60 })).toThrow(
      'the similarity threshold must be between 0 and 1, received 60',
    );
  });
});
