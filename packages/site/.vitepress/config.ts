/**
 * The course website. VitePress reads the pages where they live in the repository (`srcDir` is
 * the repository's root; every Markdown file but the pages `isPageSource` names is excluded),
 * so the chapters are never copied. Only the site's own pages (`packages/site/pages/`) move, to
 * the site's root. Math is rendered at build time by MathJax (SVG), anchors are GitHub's, and
 * links to repository files that are not pages open on GitHub.
 *
 * Environment: SITE_BASE (e.g. `/rnn-course/` for a GitHub Pages project site; default `/`),
 * SITE_REPOSITORY and SITE_BRANCH (see src/repository.ts).
 */
import { repoRoot } from '@rnn-course/lab';
import { slug } from 'github-slugger';
import { defineConfig } from 'vitepress';
import { corpusPlugin } from '../src/corpus';
import { repositoryLinks } from '../src/links';
import {
  courseSidebar,
  findMarkdown,
  isPageSource,
  pageRoute,
  pageUrl,
  SITE_PAGES,
  searchableMarkdown,
} from '../src/pages';
import { repository } from '../src/repository';

/** h_t, in the brand's colour: a data URL, so no request depends on the base path. */
const FAVICON =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" ' +
      'rx="6" fill="#3451b2"/><text x="16" y="22" font-family="serif" font-size="18" ' +
      'font-style="italic" fill="#fff" text-anchor="middle">h</text></svg>',
  );

/** Angle brackets: the link to the repository. */
const SOURCE_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M8 6l-6 6 6 6M16 6l6 ' +
  '6-6 6M14 4l-4 16" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" ' +
  'stroke-linejoin="round"/></svg>';

const markdown = findMarkdown(repoRoot);
const pages = markdown.filter(isPageSource);
const repo = repository(repoRoot);

export default defineConfig({
  title: 'RNNs from scratch',
  titleTemplate: ':title · RNNs from scratch in TypeScript',
  description:
    'Recurrent neural networks from their equations, in TypeScript: a graded course with ' +
    'a tensor core, exercises, a local grader and labs.',
  base: process.env.SITE_BASE ?? '/',
  srcDir: repoRoot,
  srcExclude: markdown.filter((p) => !isPageSource(p)),
  rewrites: Object.fromEntries(
    pages.filter((p) => p.startsWith(`${SITE_PAGES}/`)).map((p) => [p, pageRoute(p)]),
  ),
  outDir: 'dist',
  cleanUrls: false,
  lastUpdated: false,
  head: [['link', { rel: 'icon', href: FAVICON }]],
  markdown: {
    // MathJax 3 through markdown-it-mathjax3: `$ ... $` inline, `$$ ... $$` display, `\tag{1.1}`
    // numbers an equation as the chapters do.
    math: true,
    // GitHub's anchors, so that `README.md#the-forward-pass` works on GitHub and here alike.
    anchor: { slugify: (s: string) => slug(s) },
    config: (md) => repositoryLinks(md, { root: repoRoot, pages, repository: repo }),
  },
  themeConfig: {
    nav: [
      { text: 'Chapters', link: pageUrl('packages/core/chapter-0.md') },
      { text: 'Exercises', link: pageUrl(`${SITE_PAGES}/exercises.md`) },
      { text: 'Lab in the browser', link: pageUrl(`${SITE_PAGES}/lab.md`) },
    ],
    sidebar: courseSidebar(repoRoot, pages),
    outline: { level: [2, 3], label: 'On this page' },
    search: {
      provider: 'local',
      options: {
        // Index the words, not the rendered equations (see searchableMarkdown).
        _render(src, env, md) {
          const html = md.render(searchableMarkdown(src), env);
          return env.frontmatter?.search === false ? '' : html;
        },
      },
    },
    editLink: {
      pattern: `${repo.url}/edit/${repo.branch}/:path`,
      text: 'Edit this page on GitHub',
    },
    // An inline icon: the theme's named icons load from a web API under `npm run site`.
    socialLinks: [{ icon: { svg: SOURCE_ICON }, link: repo.url, ariaLabel: 'Source on GitHub' }],
    footer: {
      message:
        'Built from the course repository by VitePress; every page is a Markdown file of the ' +
        'repository.',
    },
  },
  vite: {
    plugins: [corpusPlugin()],
    // A chapter's page module carries its equations as SVG (MathJax renders at build time):
    // chapter 1's is about 1.5 MB. They load per page, so the size warning says nothing here.
    build: { chunkSizeWarningLimit: 4096 },
    // The browser lab's worker is an ES module and imports the corpus, bundled at build time.
    worker: { format: 'es', plugins: () => [corpusPlugin()] },
  },
});
