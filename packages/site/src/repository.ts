/**
 * The GitHub repository the site links to, for "edit this page" and for links from a chapter
 * to files that are not pages (an exercise stub, a source file, a folder).
 */
import { execFileSync } from 'node:child_process';

/** A repository on GitHub and the branch the site is built from. */
export interface Repository {
  /** e.g. `https://github.com/owner/name`, no trailing slash. */
  readonly url: string;
  readonly branch: string;
}

/** Used when nothing names the repository (no `origin` remote, not in GitHub Actions). */
export const FALLBACK_REPOSITORY = 'https://github.com/rnn-course/rnn-course';

/**
 * The web address of a GitHub remote (`git@github.com:o/r.git`, `https://github.com/o/r.git`),
 * or undefined for anything else.
 */
export function githubUrlOf(remote: string): string | undefined {
  const m =
    /^(?:git@github\.com:|(?:https?|ssh|git):\/\/(?:[^@/]+@)?github\.com\/)([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(
      remote.trim(),
    );
  return m === null ? undefined : `https://github.com/${m[1]}`;
}

/**
 * Which repository and branch: `SITE_REPOSITORY` (`owner/name` or a URL) and `SITE_BRANCH` when
 * set; in GitHub Actions, the repository the workflow runs in; otherwise the `origin` remote of
 * the clone at `root`; otherwise {@link FALLBACK_REPOSITORY}. The branch defaults to `main`.
 */
export function repository(root: string, env: NodeJS.ProcessEnv = process.env): Repository {
  const branch = env.SITE_BRANCH ?? 'main';
  const named = env.SITE_REPOSITORY ?? env.GITHUB_REPOSITORY;
  if (named !== undefined && named !== '') {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    const url = /^https?:\/\//.test(named) ? named : `${server}/${named}`;
    return { url: url.replace(/\/+$/, ''), branch };
  }
  let remote = '';
  try {
    remote = execFileSync('git', ['-C', root, 'remote', 'get-url', 'origin'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    // no git, or no `origin`: fall through to the fallback
  }
  return { url: githubUrlOf(remote) ?? FALLBACK_REPOSITORY, branch };
}

/** The GitHub page of a repository file or folder, e.g. `…/blob/main/exercises/rnn/rnn-step.ts`. */
export function fileUrl(repo: Repository, path: string, isFolder = false): string {
  return `${repo.url}/${isFolder ? 'tree' : 'blob'}/${repo.branch}/${path}`;
}
