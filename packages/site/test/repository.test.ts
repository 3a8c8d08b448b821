import { describe, expect, test } from 'vitest';
import { fileUrl, githubUrlOf, repository } from '../src/repository';

describe('githubUrlOf', () => {
  test('reads SSH and HTTPS remotes', () => {
    expect(githubUrlOf('git@github.com:owner/course.git\n')).toBe(
      'https://github.com/owner/course',
    );
    expect(githubUrlOf('https://github.com/owner/course.git')).toBe(
      'https://github.com/owner/course',
    );
    expect(githubUrlOf('https://token@github.com/owner/course')).toBe(
      'https://github.com/owner/course',
    );
    expect(githubUrlOf('ssh://git@github.com/owner/course.git')).toBe(
      'https://github.com/owner/course',
    );
  });

  test('gives undefined for other hosts', () => {
    expect(githubUrlOf('https://gitlab.com/owner/course.git')).toBeUndefined();
    expect(githubUrlOf('')).toBeUndefined();
  });
});

describe('repository', () => {
  test('SITE_REPOSITORY and SITE_BRANCH win', () => {
    expect(repository('/nowhere', { SITE_REPOSITORY: 'me/fork', SITE_BRANCH: 'dev' })).toEqual({
      url: 'https://github.com/me/fork',
      branch: 'dev',
    });
  });

  test('in GitHub Actions, the repository the workflow runs in', () => {
    const env = { GITHUB_REPOSITORY: 'org/course', GITHUB_SERVER_URL: 'https://github.com' };
    expect(repository('/nowhere', env).url).toBe('https://github.com/org/course');
  });

  test('fileUrl links a file to blob/ and a folder to tree/', () => {
    const repo = { url: 'https://github.com/o/r', branch: 'main' };
    expect(fileUrl(repo, 'a/b.ts')).toBe('https://github.com/o/r/blob/main/a/b.ts');
    expect(fileUrl(repo, 'a', true)).toBe('https://github.com/o/r/tree/main/a');
  });
});
