/**
 * Which files of the repository are pages of the site, where each one is served, and the
 * sidebar that lists them in course order. The site reads every page where it lives in the
 * repository (VitePress's `srcDir` is the repository's root); nothing is copied. Only the
 * site's own pages (home, exercise index, browser lab) live in this package, under `pages/`,
 * and are served from the site's root.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import GithubSlugger from 'github-slugger';

/** A chapter's place in the course and the file that holds its text once it is written. */
export interface ChapterSlot {
  readonly number: number;
  /** The chapter text, relative to the repository's root. */
  readonly text: string;
}

/**
 * The course's chapters in order (COURSE-DESIGN.md, "Layout"). A chapter whose text does not
 * exist yet is left out of the site; when its file lands, the sidebar lists it.
 */
export const CHAPTERS: readonly ChapterSlot[] = [
  { number: 0, text: 'packages/core/chapter-0.md' },
  { number: 1, text: 'packages/rnn/README.md' },
  { number: 2, text: 'packages/lstm-gru/README.md' },
  { number: 3, text: 'packages/seq2seq-attention/README.md' },
  { number: 4, text: 'packages/transformer-bridge/README.md' },
];

/** The folder of the site's own pages, relative to the repository's root. */
export const SITE_PAGES = 'packages/site/pages';

/**
 * True for a repository file that is a page of the site: the root README, the course documents
 * in `docs/`, each package's README and chapter text, the Markdown a lab writes beside its
 * figures (chapters link to it), and the site's own pages.
 */
export function isPageSource(path: string): boolean {
  return (
    path === 'README.md' ||
    /^docs\/[^/]+\.md$/.test(path) ||
    /^packages\/[^/]+\/(README|chapter-\d+)\.md$/.test(path) ||
    /^packages\/[^/]+\/figures\/[^/]+\.md$/.test(path) ||
    new RegExp(`^${SITE_PAGES}/[^/]+\\.md$`).test(path)
  );
}

/**
 * Every Markdown file under `root` (paths relative to it, `/`-separated, sorted), skipping
 * `node_modules`, build output and hidden folders such as `.course/` and `.git/`.
 */
export function findMarkdown(root: string, dir = ''): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'dist')
        continue;
      found.push(...findMarkdown(root, path));
    } else if (entry.isFile() && entry.name.endsWith('.md')) {
      found.push(path);
    }
  }
  return found.sort();
}

/**
 * Where a page is served, as VitePress's `rewrites` maps it: the site's own pages move to the
 * root (`packages/site/pages/lab.md` -> `lab.md`); every other page keeps its repository path,
 * so the relative links and figure paths written for GitHub resolve unchanged.
 */
export function pageRoute(source: string): string {
  return source.startsWith(`${SITE_PAGES}/`) ? source.slice(SITE_PAGES.length + 1) : source;
}

/**
 * The site's URL of a page (without the base), e.g. `/packages/rnn/README.html`, `/` for the
 * home page.
 *
 * @param source the page's repository path
 * @param hash   an anchor, with or without its `#`
 */
export function pageUrl(source: string, hash = ''): string {
  const route = pageRoute(source);
  const path = route === 'index.md' ? '' : route.replace(/(^|\/)index\.md$/, '$1');
  const url = `/${path.replace(/\.md$/, '.html')}`;
  const anchor = hash === '' ? '' : hash.startsWith('#') ? hash : `#${hash}`;
  return url + anchor;
}

/** A heading of a Markdown file: its level, its text as shown, and its anchor. */
export interface Heading {
  readonly level: number;
  readonly text: string;
  readonly slug: string;
}

/**
 * The text of a heading as a reader sees it: code spans, emphasis markers and link targets
 * removed (`` `Tensor` and _shapes_ `` -> `Tensor and shapes`).
 */
export function plainHeading(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // [text](url) -> text
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(^|[\s(])[*_]{1,2}(\S(?:.*?\S)?)[*_]{1,2}(?=[\s).,:;!?]|$)/g, '$1$2')
    .trim();
}

/**
 * The ATX headings of a Markdown text, outside fenced code blocks, with the anchors GitHub
 * gives them (the site uses the same slugger, so a link written for GitHub works on both).
 * Duplicates get `-1`, `-2`, ... in document order, counted over all levels, as on GitHub.
 */
export function headings(markdown: string): Heading[] {
  const slugger = new GithubSlugger();
  const found: Heading[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (marker.startsWith(fence)) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (m === null) continue;
    const text = plainHeading(m[2] as string);
    found.push({ level: (m[1] as string).length, text, slug: slugger.slug(text) });
  }
  return found;
}

/** The `#` title of a Markdown file, or its path when it has none. */
export function titleOf(root: string, path: string): string {
  const title = headings(readFileSync(join(root, path), 'utf8')).find((h) => h.level === 1);
  return title?.text ?? path;
}

/**
 * The display equations of a Markdown text: `$$ ... $$` blocks, on their own lines or on one
 * line, outside fenced code, as the first and last line index of each.
 */
export function displayMathBlocks(markdown: string): { first: number; last: number }[] {
  const blocks: { first: number; last: number }[] = [];
  let fence: string | undefined;
  let open: number | undefined;
  markdown.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (open !== undefined) {
      if (t.endsWith('$$')) {
        blocks.push({ first: open, last: i }); // the closing `$$`
        open = undefined;
      }
      return;
    }
    const marker = /^(`{3,}|~{3,})/.exec(t)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (marker.startsWith(fence)) fence = undefined;
      return;
    }
    if (fence !== undefined || !t.startsWith('$$')) return;
    // `$$ ... $$` on one line closes itself; otherwise the block runs to a line ending in `$$`.
    if (t.length > 4 && t.endsWith('$$')) blocks.push({ first: i, last: i });
    else open = i;
  });
  return blocks;
}

/** How many display equations a Markdown text holds; the end-to-end test expects as many. */
export function countDisplayMath(markdown: string): number {
  return displayMathBlocks(markdown).length;
}

/**
 * The text a page's search entries are made from: the Markdown without its display equations,
 * and inline math as its symbols' names (`$\tanh(a_t)$` -> `tanh(a_t)`). Rendering every
 * equation a second time for the search index would double the build's MathJax work and put
 * nothing a reader searches for into the index.
 */
export function searchableMarkdown(markdown: string): string {
  const lines = markdown.split('\n');
  for (const { first, last } of displayMathBlocks(markdown)) lines.fill('', first, last + 1);
  return lines
    .join('\n')
    .replace(
      /\$([^$\n]+?)\$/g,
      (_, tex: string) => ` ${tex.replace(/\\([a-zA-Z]+)/g, '$1').replace(/[{}\\]/g, '')} `,
    );
}

/** An entry of the sidebar (VitePress's `DefaultTheme.SidebarItem`, the fields used here). */
export interface SidebarItem {
  text: string;
  link?: string;
  collapsed?: boolean;
  items?: SidebarItem[];
}

/** A chapter that exists, with what the sidebar and the exercise index show of it. */
export interface ChapterPage extends ChapterSlot {
  /** The chapter's title without a leading "Chapter N:". */
  readonly title: string;
  /** Its `##` sections, in order. */
  readonly sections: readonly Heading[];
}

/** The chapters whose text exists under `root`, in course order. */
export function chapterPages(root: string): ChapterPage[] {
  return CHAPTERS.filter((c) => existsSync(join(root, c.text))).map((c) => {
    const all = headings(readFileSync(join(root, c.text), 'utf8'));
    const title = (all.find((h) => h.level === 1)?.text ?? c.text).replace(
      /^Chapter\s+\d+\s*[:.]\s*/i,
      '',
    );
    return { ...c, title, sections: all.filter((h) => h.level === 2) };
  });
}

/** Titles shown in the sidebar instead of a file's own title. */
const LABELS: Readonly<Record<string, string>> = {
  'README.md': 'Quick start',
  'docs/syllabus.md': 'Syllabus',
  [`${SITE_PAGES}/exercises.md`]: 'Exercises',
  [`${SITE_PAGES}/lab.md`]: 'Lab in the browser',
};

/**
 * The sidebar: the course's table of contents. "Start here" (quick start, syllabus, exercise
 * index, browser lab), one collapsible entry per chapter that exists with its sections, the
 * guides in `docs/`, and the packages' READMEs.
 *
 * @param root  the repository's root
 * @param pages every page source (see `isPageSource`)
 */
export function courseSidebar(root: string, pages: readonly string[]): SidebarItem[] {
  const label = (path: string): string => LABELS[path] ?? titleOf(root, path);
  const item = (path: string): SidebarItem => ({ text: label(path), link: pageUrl(path) });
  const chapters = chapterPages(root);
  const chapterTexts = new Set(chapters.map((c) => c.text));
  const has = (path: string): boolean => pages.includes(path);

  const start = [
    'README.md',
    'docs/syllabus.md',
    `${SITE_PAGES}/exercises.md`,
    `${SITE_PAGES}/lab.md`,
  ]
    .filter(has)
    .map(item);
  const guides = pages
    .filter((p) => /^docs\/[^/]+\.md$/.test(p) && p !== 'docs/syllabus.md')
    .map(item);
  const packages = pages
    .filter((p) => /^packages\/[^/]+\/README\.md$/.test(p) && !chapterTexts.has(p))
    .map(item);

  return [
    { text: 'Start here', items: start },
    {
      text: 'Chapters',
      items: chapters.map((c) => ({
        text: `${c.number}. ${c.title}`,
        link: pageUrl(c.text),
        collapsed: true,
        items: c.sections.map((s) => ({ text: s.text, link: pageUrl(c.text, s.slug) })),
      })),
    },
    ...(guides.length > 0 ? [{ text: 'For instructors', items: guides }] : []),
    { text: 'Packages', items: packages },
  ];
}
