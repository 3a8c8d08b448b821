/**
 * Builds or serves the course website.
 *
 *   tsx scripts/site.ts build   # static site in packages/site/dist (npm run site:build)
 *   tsx scripts/site.ts dev     # dev server with hot reload (npm run site)
 *
 * VitePress runs inside this tsx process because the exercise index loads the chapters'
 * manifests with the grader's `loadCourse`, which imports TypeScript files.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer } from 'vitepress';

const siteRoot = fileURLToPath(new URL('..', import.meta.url));
const [command = 'build'] = process.argv.slice(2);

if (command === 'build') {
  const started = performance.now();
  await build(siteRoot);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `site built in ${seconds.toFixed(1)} s: ${relative(process.cwd(), `${siteRoot}dist`) || 'dist'}`,
  );
} else if (command === 'dev') {
  const server = await createServer(siteRoot);
  await server.listen();
  server.printUrls();
  server.bindCLIShortcuts({ print: true });
} else {
  console.error(`unknown command '${command}': expected 'build' or 'dev'`);
  process.exitCode = 1;
}
