/**
 * The built site in headless Chromium: every page loads without a console error, renders as
 * many display equations as its Markdown holds (none in error) and loads every image; every
 * internal link resolves, anchors included; local search finds "backpropagation"; the browser
 * lab trains and its validation loss falls. Screenshots (chapter 1 at desktop and phone widths,
 * a figure in the dark theme, the lab) go to packages/site/screenshots/, which git ignores.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@rnn-course/lab';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCourse } from '@rnn-course/grader';
import { BROWSER_LAB, CharRnnTrainer } from '../lab/trainer';
import { browserCorpus } from '../src/corpus';
import { countDisplayMath, findMarkdown, isPageSource, pageUrl, SITE_PAGES } from '../src/pages';
import { findChromium, launchChromium } from './chromium';
import { serveStatic } from './server';
import type { StaticSite } from './server';

const siteDir = fileURLToPath(new URL('..', import.meta.url));
const dist = join(siteDir, 'dist');
const shots = join(siteDir, 'screenshots');
const CHAPTER_1 = 'packages/rnn/README.md';
/** The base the site was built for (`SITE_BASE`, as in its build). */
const base = process.env.SITE_BASE ?? '/';
/** Steps of the lab's short run; the same run in Node is in test/trainer.test.ts. */
const LAB_STEPS = 40;

const sources = findMarkdown(repoRoot).filter(isPageSource);

let site: StaticSite;
let browser: Browser;
/** Internal links seen on the pages: target URL -> a page that links to it. */
const links = new Map<string, string>();
/** What the run measured, written to screenshots/summary.json. */
const summary: Record<string, unknown> = {};
const equations: Record<string, { display: number; inline: number; images: number }> = {};
summary.equations = equations;

beforeAll(async () => {
  const executable = findChromium();
  if (executable === undefined) throw new Error('no Chromium: run e2e/preflight.ts first');
  site = await serveStatic(dist, base);
  browser = await launchChromium(executable);
  mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  writeFileSync(join(shots, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
});

/** Opens a page and records what went wrong while it loaded: console errors, page errors, HTTP errors. */
async function open(
  url: string,
  options: { width?: number; height?: number; dark?: boolean } = {},
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.dark === true ? 'dark' : 'light',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  await page.goto(new URL(url.replace(/^\//, ''), site.url).href, { waitUntil: 'load' });
  return { page, errors };
}

async function close(page: Page): Promise<void> {
  await page.context().close();
}

describe('every page', () => {
  test('the built site has exactly the pages the repository defines', () => {
    const built = findBuiltPages(dist).filter((p) => p !== '404.html');
    const expected = sources.map((s) =>
      pageUrl(s)
        .replace(/^\//, '')
        .replace(/^$|\/$/, '$&index.html'),
    );
    expect(built.sort()).toEqual(expected.sort());
    summary.pages = sources.map((s) => pageUrl(s));
  });

  test.each(sources)('%s loads cleanly, with its equations and images', async (source) => {
    const { page, errors } = await open(pageUrl(source));
    await page.waitForSelector('#app .VPContent');
    const found = await page.evaluate(async () => {
      const images = [...document.images];
      await Promise.all(
        images.map((img) =>
          img.complete ? null : new Promise((done) => img.addEventListener('loadend', done)),
        ),
      );
      await Promise.all(images.map((img) => img.decode().catch(() => null)));
      return {
        display: document.querySelectorAll('.VPContent mjx-container[display="true"]').length,
        inline: document.querySelectorAll('.VPContent mjx-container:not([display="true"])').length,
        mathErrors: document.querySelectorAll('[data-mml-node="merror"], mjx-merror').length,
        brokenImages: images.filter((img) => img.naturalWidth === 0).map((img) => img.src),
        images: images.length,
        links: [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
      };
    });
    const markdown = readFileSync(join(repoRoot, source), 'utf8');
    expect(errors).toEqual([]);
    expect(found.mathErrors).toBe(0);
    expect(found.display).toBe(countDisplayMath(markdown));
    expect(found.brokenImages).toEqual([]);
    for (const href of found.links) {
      if (href.startsWith(site.url)) links.set(href, source);
    }
    equations[source] = {
      display: found.display,
      inline: found.inline,
      images: found.images,
    };
    await close(page);
  });
});

describe('links', () => {
  test('every internal link resolves to a built file, and its anchor to an element', () => {
    expect(links.size).toBeGreaterThan(0);
    const broken: string[] = [];
    for (const [href, from] of links) {
      const url = new URL(href);
      let file = join(dist, decodeURIComponent(url.pathname).slice(base.length - 1));
      if (url.pathname.endsWith('/')) file = join(file, 'index.html');
      let html: string;
      try {
        html = readFileSync(file, 'utf8');
      } catch {
        broken.push(`${from}: ${url.pathname} (no such file in dist)`);
        continue;
      }
      const id = decodeURIComponent(url.hash.slice(1));
      if (id !== '' && !html.includes(`id="${id}"`))
        broken.push(`${from}: ${url.pathname}#${id} (no such anchor)`);
    }
    expect(broken).toEqual([]);
  });
});

describe('search', () => {
  test('local search finds "backpropagation" in chapter 1', async () => {
    const { page, errors } = await open('/');
    await page.click('.VPNavBarSearch button');
    await page.fill('#localsearch-input', 'backpropagation');
    await page.waitForSelector('#localsearch-list .result');
    const results = await page.$$eval('#localsearch-list .result', (as) =>
      as.map((a) => (a as HTMLAnchorElement).getAttribute('href') ?? ''),
    );
    expect(results.some((href) => href.includes(pageUrl(CHAPTER_1)))).toBe(true);
    expect(errors).toEqual([]);
    summary.search = { query: 'backpropagation', results: results.length };
    await close(page);
  });
});

describe('the exercise index', () => {
  test('lists every exercise of the manifests, with hints revealed one click at a time', async () => {
    const course = await loadCourse();
    const { page, errors } = await open(pageUrl(`${SITE_PAGES}/exercises.md`));
    const ids = await page.$$eval('[data-exercise]', (els) =>
      els.map((el) => el.getAttribute('data-exercise')),
    );
    expect(ids).toEqual(course.exercises.map((e) => e.id));

    const first = course.exercises[0];
    if (first === undefined) throw new Error('the course has no exercises');
    const card = page.locator(`[data-exercise="${first.id}"]`);
    expect(await card.locator('.hint').count()).toBe(0);
    await card.locator('button.reveal').click();
    expect(await card.locator('.hint').count()).toBe(1);
    await card.locator('button.reveal').click();
    expect(await card.locator('.hint').count()).toBe(2);
    expect(await card.locator('code', { hasText: `exercises/${first.file}` }).count()).toBe(1);
    expect(await card.locator('code', { hasText: `npm run grade -- ${first.id}` }).count()).toBe(1);
    expect(errors).toEqual([]);
    await close(page);
  });
});

describe('the browser lab', () => {
  test(`trains ${LAB_STEPS} steps in a worker: the validation loss falls, to Node's value`, async () => {
    const { page, errors } = await open(`/lab.html?steps=${LAB_STEPS}&seed=0&hidden=64`);
    const lab = page.locator('.char-rnn-lab');
    await page.waitForSelector('.char-rnn-lab[data-state="ready"]');
    await lab.getByRole('button', { name: 'Train' }).click();
    await page.waitForSelector('.char-rnn-lab[data-state="finished"]', { timeout: 150_000 });
    const start = Number(await lab.getAttribute('data-start-loss'));
    const end = Number(await lab.getAttribute('data-validation-loss'));
    const step = Number(await lab.getAttribute('data-step'));
    const samples = await page.locator('.char-rnn-lab .sample pre').allTextContents();
    expect(errors).toEqual([]);
    expect(step).toBe(LAB_STEPS);
    expect(end).toBeLessThan(start);
    expect(samples.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'lab.png'), fullPage: true });
    await close(page);

    // The same model, text and seed in Node: the browser ran the course's code, not a copy.
    const { train, validation } = browserCorpus();
    const node = new CharRnnTrainer(train, validation, { ...BROWSER_LAB, hiddenSize: 64, seed: 0 });
    for (let k = 0; k < LAB_STEPS; k++) node.trainStep();
    const nodeLoss = node.validationLoss();
    expect(Math.abs(end - nodeLoss)).toBeLessThan(1e-9);
    summary.lab = {
      url: `lab.html?steps=${LAB_STEPS}&seed=0&hidden=64`,
      steps: step,
      startValidationLoss: start,
      validationLoss: end,
      nodeValidationLoss: nodeLoss,
      sample: samples[0],
    };
    console.log(
      `browser lab: validation loss ${start.toFixed(4)} at step 0, ${end.toFixed(4)} after ` +
        `${step} steps (Node: ${nodeLoss.toFixed(4)})`,
    );
  });
});

describe('screenshots', () => {
  test('chapter 1 at desktop and phone widths, and a figure in the dark theme', async () => {
    const desktop = await open(pageUrl(CHAPTER_1), { width: 1280, height: 900 });
    await desktop.page.screenshot({ path: join(shots, 'chapter-1-desktop.png') });
    await desktop.page.locator('#backpropagation-through-time').scrollIntoViewIfNeeded();
    await desktop.page.evaluate(() => document.getElementById('one-step')?.scrollIntoView());
    await desktop.page.screenshot({ path: join(shots, 'chapter-1-desktop-equations.png') });
    await close(desktop.page);

    const phone = await open(pageUrl(CHAPTER_1), { width: 390, height: 844 });
    await phone.page.screenshot({ path: join(shots, 'chapter-1-phone.png') });
    await phone.page.evaluate(() => document.getElementById('one-step')?.scrollIntoView());
    await phone.page.screenshot({ path: join(shots, 'chapter-1-phone-equations.png') });
    // Wide equations scroll inside their box: the page itself never scrolls sideways.
    const overflow = await phone.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await close(phone.page);

    const dark = await open(pageUrl(CHAPTER_1, 'unrolling-through-time'), { dark: true });
    expect(
      await dark.page.evaluate(() => document.documentElement.classList.contains('dark')),
    ).toBe(true);
    await dark.page.screenshot({ path: join(shots, 'chapter-1-dark-figure.png') });
    await close(dark.page);
    expect([...desktop.errors, ...phone.errors, ...dark.errors]).toEqual([]);
  });
});

/** The `.html` files of the built site, relative to it (`/`-separated), skipping its assets. */
function findBuiltPages(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split('\\').join('/'))
    .filter((f) => f.endsWith('.html') && !f.startsWith('assets/'));
}
