/**
 * Finding and starting the system's Chromium for the end-to-end test. Playwright's own browser
 * download is not used (these machines cannot reach it): `playwright-core` drives Debian's
 * `chromium` package, or whatever `CHROMIUM_PATH` names.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** The names Chromium and Chrome install under, looked for on the PATH after `CHROMIUM_PATH`. */
export const CHROMIUM_NAMES: readonly string[] = [
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable',
];

/** How to get a browser, printed when none is found. */
export const INSTALL_CHROMIUM = [
  "The site's end-to-end test drives a real Chromium, and none was found.",
  'Install it (Debian or Ubuntu):   sudo apt-get update && sudo apt-get install -y chromium',
  'or point the test at another Chromium or Chrome binary:   CHROMIUM_PATH=/path/to/chrome npm test',
  `(looked for: $CHROMIUM_PATH, then ${CHROMIUM_NAMES.join(', ')} on the PATH)`,
].join('\n');

/** The Chromium binary to use, or undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.CHROMIUM_PATH;
  if (named !== undefined && named !== '') return existsSync(named) ? named : undefined;
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const name of CHROMIUM_NAMES) {
    const found = dirs.map((d) => join(d, name)).find((p) => existsSync(p));
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Starts headless Chromium with a fresh profile (Playwright makes one per launch) and without
 * the background traffic that a machine with no network would refuse.
 */
export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    chromiumSandbox: false, // --no-sandbox: CI runs as root
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
