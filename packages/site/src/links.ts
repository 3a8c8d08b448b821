/**
 * Links written for GitHub, made to work on the site. A chapter links to pages (other
 * Markdown files: VitePress turns those into page links and stops the build on a dead one) and
 * to files that are not pages: an exercise stub, a source file, a folder. On GitHub those open
 * the file; on the site they would be dead, so this markdown-it plugin points them at the
 * file's page on GitHub instead. A relative link to a file that does not exist stops the build
 * with a message naming the page and the link.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, relative } from 'node:path';
import type { MarkdownRenderer } from 'vitepress';
import { pageRoute } from './pages';
import { fileUrl } from './repository';
import type { Repository } from './repository';

/** What the plugin needs to know about the site. */
export interface RepositoryLinksOptions {
  /** The repository's root (VitePress's `srcDir`). */
  readonly root: string;
  /** Every page's repository path (e.g. `packages/rnn/README.md`). */
  readonly pages: readonly string[];
  readonly repository: Repository;
}

/** A relative link whose target is missing. */
export class DeadLinkError extends Error {
  override name = 'DeadLinkError';
  constructor(page: string, href: string, target: string) {
    super(
      `${page}: the link '${href}' points at ${target}, which does not exist in the repository`,
    );
  }
}

/**
 * Where a relative link goes: unchanged when it names a page (or an anchor, an absolute path,
 * another site); the GitHub page of the file or folder otherwise.
 *
 * @param page the linking page's route (its path on the site, e.g. `index.md`), from the root
 * @param href the link as written
 * @throws DeadLinkError when the link names a repository path that does not exist
 */
export function resolveLink(options: RepositoryLinksOptions, page: string, href: string): string {
  if (
    href === '' ||
    href.startsWith('#') ||
    href.startsWith('/') ||
    /^[a-z][a-z\d+.-]*:/i.test(href)
  )
    return href;
  const hashAt = href.search(/[?#]/);
  const path = hashAt < 0 ? href : href.slice(0, hashAt);
  const hash = hashAt < 0 ? '' : href.slice(hashAt);
  const target = posix.normalize(posix.join(posix.dirname(page), decodeURI(path)));
  if (target.startsWith('..')) throw new DeadLinkError(page, href, `${target} (outside it)`);
  const routes = new Set(options.pages.map(pageRoute));
  if (routes.has(target) || routes.has(`${target.replace(/\/$/, '')}/index.md`)) return href;
  const file = join(options.root, target);
  if (!existsSync(file)) throw new DeadLinkError(page, href, target);
  const isFolder = statSync(file).isDirectory();
  return fileUrl(options.repository, target.replace(/\/$/, ''), isFolder) + hash;
}

/**
 * The markdown-it plugin: after parsing, every link token's `href` goes through
 * {@link resolveLink}. It runs before VitePress's own link rendering, which then treats the
 * rewritten links as external (new tab) and checks the page links that remain.
 */
export function repositoryLinks(md: MarkdownRenderer, options: RepositoryLinksOptions): void {
  md.core.ruler.push('repository_links', (state) => {
    const env = state.env as { path?: string };
    if (env.path === undefined) return;
    // VitePress renders a page with `path` at its route (rewritten) or at its source: both map
    // to the route, from which the links were written.
    const absolute = isAbsolute(env.path) ? env.path : join(options.root, env.path);
    const page = pageRoute(relative(options.root, absolute).split('\\').join('/'));
    for (const block of state.tokens) {
      for (const token of block.children ?? []) {
        if (token.type !== 'link_open') continue;
        const href = token.attrGet('href');
        if (href !== null) token.attrSet('href', resolveLink(options, page, href));
      }
    }
  });
}
