/**
 * No test of the course passes or fails by speed: every package's own Vitest config gives its
 * tests the shared limits of `vitest.shared.ts` (minutes, which only a hang reaches), so a new
 * package cannot fall back to Vitest's 5 s default and fail on a busy machine.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEST_LIMITS } from '../../../vitest.shared.ts';
import { repoRoot } from '../src/paths';

const packagesDir = join(repoRoot, 'packages');
const configs = readdirSync(packagesDir)
  .map((name) => join(packagesDir, name, 'vitest.config.ts'))
  .filter((path) => existsSync(path));

describe('the time limits of the course’s own tests', () => {
  it('finds the packages’ configs', () => {
    expect(configs.length).toBeGreaterThanOrEqual(8);
  });

  it.each(configs.map((c) => [c.slice(repoRoot.length + 1), c]))(
    '%s gives its tests the shared limits, or longer',
    async (_name, path) => {
      const config = (await import(pathToFileURL(path).href)).default as {
        test?: { testTimeout?: number; hookTimeout?: number };
      };
      expect(config.test?.testTimeout ?? 0).toBeGreaterThanOrEqual(TEST_LIMITS.testTimeout);
      expect(config.test?.hookTimeout ?? 0).toBeGreaterThanOrEqual(TEST_LIMITS.hookTimeout);
    },
  );
});
