/**
 * Runs before the end-to-end test: without a Chromium or a built site there is nothing to
 * test, and the maintainer gets one message saying what to do instead of a stack trace.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { INSTALL_CHROMIUM, findChromium } from './chromium';

const dist = fileURLToPath(new URL('../dist/index.html', import.meta.url));

if (findChromium() === undefined) {
  console.error(INSTALL_CHROMIUM);
  process.exit(1);
}
if (!existsSync(dist)) {
  console.error('There is no built site in packages/site/dist: run `npm run site:build` first.');
  process.exit(1);
}
