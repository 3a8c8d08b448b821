import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DeadLinkError, resolveLink } from '../src/links';
import type { RepositoryLinksOptions } from '../src/links';

// A small repository: the links below name files that exist in it, or do not.
const root = mkdtempSync(join(tmpdir(), 'site-links-'));
for (const path of [
  'README.md',
  'docs/syllabus.md',
  'packages/rnn/README.md',
  'packages/core/chapter-0.md',
  'packages/core/src/ops/matmul.ts',
  'packages/grader/test/fixtures/chapter/README.md',
  'packages/site/pages/index.md',
  'packages/site/pages/lab.md',
  'exercises/rnn/rnn-step.ts',
]) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), '');
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

const options: RepositoryLinksOptions = {
  root,
  pages: [
    'README.md',
    'docs/syllabus.md',
    'packages/rnn/README.md',
    'packages/core/chapter-0.md',
    'packages/site/pages/index.md',
    'packages/site/pages/lab.md',
  ],
  repository: { url: 'https://github.com/o/r', branch: 'main' },
};

describe('resolveLink', () => {
  test('leaves links to pages, anchors, absolute paths and other sites alone', () => {
    const page = 'packages/rnn/README.md';
    for (const href of [
      '../../docs/syllabus.md',
      '../core/chapter-0.md#tensors-and-shapes',
      '#the-forward-pass',
      '/lab.md',
      'https://example.org/x.ts',
      'mailto:someone@example.org',
    ])
      expect(resolveLink(options, page, href)).toBe(href);
  });

  test("resolves from a site page's route, not from its folder in the package", () => {
    expect(resolveLink(options, 'index.md', 'lab.md')).toBe('lab.md');
    expect(resolveLink(options, 'index.md', 'packages/rnn/README.md')).toBe(
      'packages/rnn/README.md',
    );
  });

  test('sends files that are not pages to GitHub, keeping the anchor', () => {
    expect(
      resolveLink(options, 'packages/rnn/README.md', '../../exercises/rnn/rnn-step.ts#L10'),
    ).toBe('https://github.com/o/r/blob/main/exercises/rnn/rnn-step.ts#L10');
    expect(resolveLink(options, 'README.md', 'exercises/')).toBe(
      'https://github.com/o/r/tree/main/exercises',
    );
    expect(resolveLink(options, 'packages/core/chapter-0.md', 'src/ops/')).toBe(
      'https://github.com/o/r/tree/main/packages/core/src/ops',
    );
  });

  test('a Markdown file that is not a page goes to GitHub too', () => {
    expect(
      resolveLink(options, 'README.md', 'packages/grader/test/fixtures/chapter/README.md'),
    ).toBe('https://github.com/o/r/blob/main/packages/grader/test/fixtures/chapter/README.md');
  });

  test('a link to a missing file stops the build, naming the page and the link', () => {
    expect(() =>
      resolveLink(options, 'packages/rnn/README.md', '../../exercises/rnn/nope.ts'),
    ).toThrow(DeadLinkError);
    expect(() => resolveLink(options, 'packages/rnn/README.md', 'figures/missing.svg')).toThrow(
      "packages/rnn/README.md: the link 'figures/missing.svg' points at packages/rnn/figures/missing.svg",
    );
    expect(() => resolveLink(options, 'README.md', '../outside.ts')).toThrow(DeadLinkError);
  });
});
