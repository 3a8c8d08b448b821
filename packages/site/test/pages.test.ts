import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  countDisplayMath,
  courseSidebar,
  findMarkdown,
  headings,
  isPageSource,
  pageRoute,
  pageUrl,
  plainHeading,
  searchableMarkdown,
} from '../src/pages';

describe('isPageSource', () => {
  test('takes the course documents, READMEs, chapter texts, figure pages and site pages', () => {
    for (const p of [
      'README.md',
      'docs/syllabus.md',
      'packages/rnn/README.md',
      'packages/core/chapter-0.md',
      'packages/rnn/figures/char-rnn-samples.md',
      'packages/site/pages/lab.md',
    ])
      expect(isPageSource(p), p).toBe(true);
  });

  test('leaves out test fixtures, sources and nested folders', () => {
    for (const p of [
      'packages/grader/test/fixtures/chapter/README.md',
      'packages/rnn/src/notes.md',
      'exercises/rnn/README.md',
      'docs/drafts/idea.md',
      'packages/site/pages/drafts/x.md',
    ])
      expect(isPageSource(p), p).toBe(false);
  });
});

describe('pageRoute and pageUrl', () => {
  test("serve the site's own pages from the root and every other page at its path", () => {
    expect(pageRoute('packages/site/pages/lab.md')).toBe('lab.md');
    expect(pageRoute('packages/rnn/README.md')).toBe('packages/rnn/README.md');
    expect(pageUrl('packages/site/pages/index.md')).toBe('/');
    expect(pageUrl('packages/site/pages/lab.md')).toBe('/lab.html');
    expect(pageUrl('packages/rnn/README.md', 'the-forward-pass')).toBe(
      '/packages/rnn/README.html#the-forward-pass',
    );
    expect(pageUrl('docs/syllabus.md', '#pace')).toBe('/docs/syllabus.html#pace');
  });
});

describe('headings', () => {
  test("give GitHub's anchors, numbering duplicates over all levels", () => {
    const md = [
      '# Title',
      '## The loss: cross-entropy over time',
      '## `Tensor` and _shapes_',
      '### Exercises',
      '## Exercises',
      '```md',
      '## not a heading',
      '```',
      '## Eqs. 1.2–1.3 and [links](x.md)',
    ].join('\n');
    expect(headings(md).map((h) => [h.level, h.slug])).toEqual([
      [1, 'title'],
      [2, 'the-loss-cross-entropy-over-time'],
      [2, 'tensor-and-shapes'],
      [3, 'exercises'],
      [2, 'exercises-1'],
      [2, 'eqs-1213-and-links'],
    ]);
  });

  test('plainHeading drops code spans, emphasis and link targets', () => {
    expect(plainHeading('`Tensor` and _shapes_ in [the core](README.md)')).toBe(
      'Tensor and shapes in the core',
    );
  });
});

describe('countDisplayMath', () => {
  test('counts $$ blocks, multi-line and one-line, outside fenced code', () => {
    const md = [
      'Inline $x$ is not display math.',
      '',
      '$$',
      'h_t = \\tanh(a_t) \\tag{1.1}',
      '$$',
      '',
      '$$ y = x W $$',
      '',
      '```tex',
      '$$',
      'not math',
      '$$',
      '```',
      '',
      '$$\\begin{aligned}',
      'a &= b \\\\',
      'c &= d',
      '\\end{aligned}$$',
    ].join('\n');
    expect(countDisplayMath(md)).toBe(3);
  });

  test('is zero without display math', () => {
    expect(countDisplayMath('# Title\n\nCosts $5 and $6.\n')).toBe(0);
  });
});

describe('searchableMarkdown', () => {
  test('drops display equations and keeps inline math as words', () => {
    const md = [
      'Backpropagation through $\\tanh(a_t)$.',
      '',
      '$$',
      'x \\tag{1.1}',
      '$$',
      '',
      'After.',
    ].join('\n');
    expect(searchableMarkdown(md)).toBe(
      ['Backpropagation through  tanh(a_t) .', '', '', '', '', '', 'After.'].join('\n'),
    );
  });
});

describe('courseSidebar', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  function repo(files: Record<string, string>): { root: string; pages: string[] } {
    root = mkdtempSync(join(tmpdir(), 'site-sidebar-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return { root, pages: findMarkdown(root).filter(isPageSource) };
  }

  const base = {
    'README.md': '# Course\n',
    'docs/syllabus.md': '# Syllabus\n',
    'docs/instructor-guide.md': '# Instructor guide\n',
    'packages/core/README.md': '# @rnn-course/core\n',
    'packages/core/chapter-0.md': '# Chapter 0: Tensors\n\n## Shapes\n',
    'packages/rnn/README.md': '# Vanilla RNNs\n\n## The forward pass\n\n## Backpropagation\n',
    'packages/site/pages/lab.md': '# Lab\n',
    'packages/grader/test/fixtures/chapter/README.md': '# Fixture\n',
  };

  test('lists the chapters that exist, with their sections, and the other pages by group', () => {
    const { root, pages } = repo(base);
    const sidebar = courseSidebar(root, pages);
    expect(sidebar.map((g) => g.text)).toEqual([
      'Start here',
      'Chapters',
      'For instructors',
      'Packages',
    ]);
    const chapters = sidebar[1]?.items ?? [];
    expect(chapters.map((c) => [c.text, c.link])).toEqual([
      ['0. Tensors', '/packages/core/chapter-0.html'],
      ['1. Vanilla RNNs', '/packages/rnn/README.html'],
    ]);
    expect(chapters[1]?.items?.map((s) => s.link)).toEqual([
      '/packages/rnn/README.html#the-forward-pass',
      '/packages/rnn/README.html#backpropagation',
    ]);
    expect(sidebar[0]?.items?.map((i) => i.link)).toEqual([
      '/README.html',
      '/docs/syllabus.html',
      '/lab.html',
    ]);
    expect(sidebar[3]?.items?.map((i) => i.text)).toEqual(['@rnn-course/core']);
  });

  test('picks up a chapter as soon as its text exists, in course order', () => {
    const { root, pages } = repo({
      ...base,
      'packages/seq2seq-attention/README.md': '# Chapter 3: Attention\n\n## Encoders\n',
    });
    const chapters = courseSidebar(root, pages)[1]?.items ?? [];
    expect(chapters.map((c) => c.text)).toEqual(['0. Tensors', '1. Vanilla RNNs', '3. Attention']);
    // a chapter's README is a chapter, not a package page
    expect(courseSidebar(root, pages)[3]?.items?.map((i) => i.text)).toEqual(['@rnn-course/core']);
  });
});
