/** Paths of the fixture chapter and its targets, for the harness's tests. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixturesDir = resolve(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
export const fixtureManifestPath = 'packages/grader/test/fixtures/chapter/manifest.ts';

/** The folder of one fixture implementation, e.g. `target('correct')`. */
export function target(kind: string): string {
  return resolve(fixturesDir, 'targets', kind);
}
