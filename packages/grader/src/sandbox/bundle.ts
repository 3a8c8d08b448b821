/**
 * The learner's files, bundled to JavaScript on the trusted side for the sandbox to run.
 *
 * Each chapter gets a folder of its own, the only folder its sandbox process may read:
 *
 * ```text
 * .course/sandbox/runs/<run>/<chapter>/
 *   host.mjs              the sandbox's runtime (host.ts)
 *   deps/core.mjs         the core, bundled once and shared by every learner file
 *   deps/<earlier>.mjs    the reference packages of earlier chapters
 *   learner/<chapter>/*.mjs, *.mjs.map   the learner's files, with source maps
 *   bundle.json           what was bundled, what was refused and why
 * ```
 *
 * The import rule is applied by an esbuild plugin where each import resolves (import
 * statements, `import('x')`, `require('x')`: esbuild parses the code, so text in strings and
 * comments never matters), and again where each file loads (a template-literal import pulls in
 * files without resolving them one by one). A submitted file that is a symbolic link, or sits in
 * a linked folder, is refused. The core and the allowed packages are external to the learner's
 * bundles and point at `deps/`, so every learner file sees the same `Tensor` class.
 *
 * The core's and the packages' bundles, and the runtime's, are cached in `.course/sandbox/cache/`
 * by the content hash of their inputs, and copied into each run.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { Chapter, Course, Exercise } from '../course';
import { displayPath, fromRoot, isInside, repoRoot } from '../paths';
import { CORE_PACKAGE, importRuleOf, type ImportRule, type ImportViolation } from './import-rule';

/** Where bundles live: `.course/sandbox/` (gitignored). */
export const sandboxRoot = resolve(repoRoot, '.course/sandbox');

/** A learner file, as the bundler left it. */
export type BundledFile =
  | { readonly status: 'ok'; readonly module: string }
  | { readonly status: 'refused'; readonly violations: readonly ImportViolation[] }
  | { readonly status: 'failed'; readonly message: string };

/** One chapter's folder: what its sandbox runs. Written to `bundle.json` in the folder. */
export interface ChapterBundle {
  readonly chapter: string;
  /** The chapter's folder (absolute). */
  readonly dir: string;
  /** Where the learner's files were read (a staged copy, perhaps). */
  readonly targetDir: string;
  /** Where the learner knows them; messages and source maps point here. */
  readonly sourceDir: string;
  /** The bundles in `deps/`: `core` and the reference packages of earlier chapters. */
  readonly packages: readonly string[];
  /** Per exercise file (`rnn/rnn-step.ts`): its bundle relative to `dir`, or why there is none. */
  readonly files: Readonly<Record<string, BundledFile>>;
  /**
   * The files that hold a hand-derived exercise (the manifest's `handDerived`): the exercise
   * functions of the file, which run with the core's autograd switched off, and the ids that
   * ask for it (for the message).
   */
  readonly handDerived?: Readonly<Record<string, HandDerived>>;
}

/** One file's hand-derived exercises: see `ChapterBundle.handDerived`. */
export interface HandDerived {
  readonly functions: readonly string[];
  readonly exercises: readonly string[];
}

/**
 * The files of `chapter` that hold a hand-derived exercise, with every exercise function of the
 * file (a forward too: a graph built there could be reused by the backward).
 */
export function handDerivedFiles(course: Course, chapter: Chapter): Record<string, HandDerived> {
  const mine = course.exercises.filter((e) => e.chapter === chapter);
  const out: Record<string, HandDerived> = {};
  for (const file of new Set(mine.filter((e) => e.handDerived === true).map((e) => e.file))) {
    const inFile = mine.filter((e) => e.file === file);
    out[file] = {
      functions: inFile.map((e) => e.functionName),
      exercises: inFile.filter((e) => e.handDerived === true).map((e) => e.id),
    };
  }
  return out;
}

/** A whole target, bundled. */
export interface TargetBundle {
  /** The run's folder, holding one folder per chapter. */
  readonly dir: string;
  readonly chapters: readonly ChapterBundle[];
  /** The bundle of an exercise file, or undefined when the target lacks the file. */
  file(exerciseFile: string): BundledFile | undefined;
  /** The chapter bundle an exercise file belongs to. */
  chapterOf(exerciseFile: string): ChapterBundle | undefined;
  /** Removes the run's folder. */
  cleanup(): void;
}

/** What to bundle. */
export interface BundleOptions {
  readonly course: Course;
  /** The folder the files are read from. */
  readonly targetDir: string;
  /** The folder the learner knows (default `targetDir`), for messages and source maps. */
  readonly sourceDir?: string;
  /** The exercises whose files to bundle (default: all of the course's). */
  readonly exercises?: readonly Exercise[];
  /** The run's folder (default: a new folder under `.course/sandbox/runs/`). */
  readonly outDir?: string;
}

/**
 * Bundles the exercise files of a target, chapter by chapter. Never runs learner code. Import
 * refusals, links and syntax errors are recorded per file (`status`), not thrown; throws only
 * when bundling itself cannot run.
 */
export async function bundleTarget(opts: BundleOptions): Promise<TargetBundle> {
  const targetDir = resolve(opts.targetDir);
  const sourceDir = resolve(opts.sourceDir ?? targetDir);
  const exercises = opts.exercises ?? opts.course.exercises;
  const dir = opts.outDir ?? newRunDir();
  mkdirSync(dir, { recursive: true });
  try {
    return await bundleInto(dir, opts, targetDir, sourceDir, exercises);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function bundleInto(
  dir: string,
  opts: BundleOptions,
  targetDir: string,
  sourceDir: string,
  exercises: readonly Exercise[],
): Promise<TargetBundle> {
  const jobs = opts.course.chapters
    .map((chapter) => ({
      chapter,
      rule: importRuleOf(opts.course, chapter),
      files: [...new Set(exercises.filter((e) => e.chapter === chapter).map((e) => e.file))].filter(
        (f) => exists(join(targetDir, f)),
      ),
    }))
    .filter((j) => j.files.length > 0);
  const needed = new Set(jobs.flatMap((j) => [...j.rule.packages.keys()]));
  const deps = await depsBundle(opts.course, needed);
  const host = await hostBundle();
  const chapters: ChapterBundle[] = [];
  for (const { chapter, rule, files } of jobs) {
    const chapterDir = join(dir, chapter.manifest.chapter);
    mkdirSync(join(chapterDir, 'deps'), { recursive: true });
    copyFileSync(host, join(chapterDir, 'host.mjs'));
    for (const name of rule.packages.values()) {
      copyFileSync(join(deps, `${name}.mjs`), join(chapterDir, 'deps', `${name}.mjs`));
    }
    const bundled = await bundleChapter({ chapter, rule, files, targetDir, sourceDir, chapterDir });
    const record: ChapterBundle = {
      chapter: chapter.manifest.chapter,
      dir: chapterDir,
      targetDir,
      sourceDir,
      packages: [...rule.packages.values()],
      files: bundled,
      handDerived: handDerivedFiles(opts.course, chapter),
    };
    writeFileSync(join(chapterDir, 'bundle.json'), JSON.stringify(record, null, 2));
    chapters.push(record);
  }
  const chapterOf = (file: string): ChapterBundle | undefined =>
    chapters.find((c) => c.files[file] !== undefined);
  return {
    dir,
    chapters,
    file: (file) => chapterOf(file)?.files[file],
    chapterOf,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Reads a chapter folder's `bundle.json` (what a Vitest worker gets from the grader). */
export function readChapterBundle(chapterDir: string): ChapterBundle {
  const file = join(chapterDir, 'bundle.json');
  if (!existsSync(file))
    throw new Error(`no sandbox bundle in ${chapterDir} (bundle.json missing)`);
  return JSON.parse(readFileSync(file, 'utf8')) as ChapterBundle;
}

/** A fresh folder for a run; folders of runs older than a day are swept away. */
function newRunDir(): string {
  const runs = join(sandboxRoot, 'runs');
  mkdirSync(runs, { recursive: true });
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(runs)) {
    try {
      if (statSync(join(runs, name)).mtimeMs < dayAgo) {
        rmSync(join(runs, name), { recursive: true, force: true });
      }
    } catch {
      // another process removed it first
    }
  }
  return join(runs, `${process.pid}-${randomBytes(4).toString('hex')}`);
}

// ---------------------------------------------------------------- the learner's files

interface ChapterJob {
  readonly chapter: Chapter;
  readonly rule: ImportRule;
  /** Exercise files relative to the target, e.g. `rnn/rnn-step.ts`. */
  readonly files: readonly string[];
  readonly targetDir: string;
  readonly sourceDir: string;
  readonly chapterDir: string;
}

/** Marks an esbuild error as an import refusal. */
interface RefusalDetail {
  readonly refused: true;
  readonly specifier: string;
  readonly reason: string;
  /** The refused file, when there is no import statement to point at. */
  readonly file?: string;
}

async function bundleChapter(job: ChapterJob): Promise<Record<string, BundledFile>> {
  const result: Record<string, BundledFile> = {};
  const entries: string[] = [];
  for (const file of job.files) {
    const link = linkIn(job.targetDir, join(job.targetDir, file));
    if (link !== undefined) {
      result[file] = refused(job, join(job.targetDir, file), '', linkReason(job, link));
    } else {
      entries.push(file);
    }
  }
  if (entries.length === 0) return result;
  const outdir = join(job.chapterDir, 'learner');
  try {
    // one build for the chapter: files imported by several exercise files are shared chunks
    await esbuild.build(learnerOptions(job, entries, outdir, true));
    for (const file of entries) result[file] = { status: 'ok', module: moduleOf(file) };
    return result;
  } catch {
    // something failed: build each file on its own, so one file's error stays its own
  }
  for (const file of entries) {
    try {
      await esbuild.build(learnerOptions(job, [file], outdir, false));
      result[file] = { status: 'ok', module: moduleOf(file) };
    } catch (error) {
      result[file] = failure(job, file, error);
    }
  }
  return result;
}

/** Where esbuild writes an entry's bundle (`outbase` is the target): `learner/rnn/x.mjs`. */
function moduleOf(file: string): string {
  return `learner/${file.replace(/\.[mc]?[jt]sx?$/, '.mjs')}`;
}

function learnerOptions(
  job: ChapterJob,
  entries: readonly string[],
  outdir: string,
  splitting: boolean,
): esbuild.BuildOptions & { metafile: true } {
  return {
    entryPoints: entries.map((f) => join(job.targetDir, f)),
    outdir,
    outbase: job.targetDir,
    absWorkingDir: job.targetDir,
    bundle: true,
    splitting,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'external',
    sourcesContent: false,
    outExtension: { '.js': '.mjs' },
    // `import(x)` becomes a call of the sandbox's `require`: a computed path gets a message,
    // and a native dynamic import (which would bypass the rule) is left nowhere in the output
    supported: { 'dynamic-import': false },
    metafile: true,
    write: true,
    logLevel: 'silent',
    // the submission's own tsconfig.json (its `paths`, say) has no say in how files resolve
    tsconfigRaw: {},
    plugins: [importRulePlugin(job)],
  };
}

/** The esbuild plugin that applies the import rule to every import and every loaded file. */
function importRulePlugin(job: ChapterJob): esbuild.Plugin {
  const chapterFolder = job.chapter.manifest.chapter;
  const chapterDir = join(job.targetDir, chapterFolder);
  const folder = `${displayPath(join(job.sourceDir, chapterFolder))}/`;
  const depsDir = join(job.chapterDir, 'deps');
  const refuse = (specifier: string, reason: string, file?: string) => ({
    errors: [
      {
        text: `refused import '${specifier}': ${reason}`,
        detail: { refused: true, specifier, reason, file } satisfies RefusalDetail,
      },
    ],
  });
  return {
    name: 'course-import-rule',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return { path: args.path };
        const spec = args.path;
        if (spec.startsWith('.') || isAbsolute(spec)) {
          const base = resolve(dirname(args.importer), spec);
          if (!isInside(chapterDir, base)) {
            return refuse(
              spec,
              `it reaches outside ${folder}; an exercise may import only files of its own chapter`,
            );
          }
          const found = candidates(base).find(exists);
          if (found === undefined) {
            return {
              errors: [
                {
                  text: `cannot find '${spec}' (looked for ${relative(job.targetDir, base)}.ts, .js and /index.ts)`,
                },
              ],
            };
          }
          const link = linkIn(job.targetDir, found);
          if (link !== undefined) return refuse(spec, linkReason(job, link));
          return { path: found };
        }
        const name = job.rule.packages.get(spec);
        if (name !== undefined) return { path: join(depsDir, `${name}.mjs`), external: true };
        return refuse(spec, job.rule.refusal(spec, folder) ?? 'not allowed');
      });
      build.onLoad({ filter: /.*/ }, (args) => {
        if (!isInside(chapterDir, args.path)) {
          const shown = displayPath(args.path);
          return refuse(
            shown,
            `a computed import reaches ${shown}, outside ${folder}; import files of ${folder} by name`,
            args.path,
          );
        }
        const link = linkIn(job.targetDir, args.path);
        if (link !== undefined) return refuse('', linkReason(job, link), args.path);
        const loader = loaderOf(args.path);
        if (loader === undefined) {
          return refuse(
            displayPath(args.path),
            'only TypeScript, JavaScript and JSON files can be imported',
            args.path,
          );
        }
        return { contents: readFileSync(args.path), loader };
      });
    },
  };
}

function candidates(base: string): string[] {
  const noJs = base.replace(/\.[mc]?js$/, '');
  return [
    base,
    `${base}.ts`,
    `${noJs}.ts`,
    `${noJs}.mts`,
    `${base}.js`,
    `${base}.mjs`,
    join(base, 'index.ts'),
    join(base, 'index.js'),
  ];
}

function loaderOf(file: string): esbuild.Loader | undefined {
  const ext = extname(file);
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') return 'ts';
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') return 'js';
  if (ext === '.json') return 'json';
  return undefined;
}

/** "syntax error at " before the location of a parse error; nothing before another error's. */
function syntax(text: string): string {
  return /^(Could not resolve|cannot find|No matching export|Cannot use|Top-level)/.test(text)
    ? ''
    : 'syntax error at ';
}

function failure(job: ChapterJob, file: string, error: unknown): BundledFile {
  const messages = (error as { errors?: esbuild.Message[] }).errors ?? [];
  const violations: ImportViolation[] = [];
  const other: string[] = [];
  for (const m of messages) {
    const detail = m.detail as RefusalDetail | undefined;
    const at = m.location === null ? undefined : resolve(job.targetDir, m.location.file);
    if (detail?.refused === true) {
      violations.push({
        file: toSource(job, detail.file ?? at ?? join(job.targetDir, file)),
        line: detail.file === undefined ? (m.location?.line ?? 0) : 0,
        specifier: detail.file === undefined ? detail.specifier : '',
        reason: detail.reason,
      });
    } else {
      const where =
        at === undefined
          ? displayPath(toSource(job, join(job.targetDir, file)))
          : `${syntax(m.text)}${displayPath(toSource(job, at))}:${m.location?.line}:${(m.location?.column ?? 0) + 1}`;
      other.push(`${where}: ${m.text}`);
    }
  }
  if (violations.length > 0) return { status: 'refused', violations: dedupe(violations) };
  if (other.length === 0) other.push(`${file}: ${String(error)}`);
  return { status: 'failed', message: other.join('\n') };
}

function dedupe(violations: ImportViolation[]): ImportViolation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.file}:${v.line}:${v.specifier}:${v.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function refused(job: ChapterJob, file: string, specifier: string, reason: string): BundledFile {
  return {
    status: 'refused',
    violations: [{ file: toSource(job, file), line: 0, specifier, reason }],
  };
}

/** The path the learner knows for a file read from the target. */
function toSource(job: ChapterJob, file: string): string {
  return isInside(job.targetDir, file) ? join(job.sourceDir, relative(job.targetDir, file)) : file;
}

/** The first symbolic link on the way from `root` down to `file`, or undefined. */
function linkIn(root: string, file: string): string | undefined {
  const rel = relative(root, file);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  let p = root;
  for (const part of rel.split(sep)) {
    p = join(p, part);
    try {
      if (lstatSync(p).isSymbolicLink()) return p;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function linkReason(job: ChapterJob, link: string): string {
  let to = '';
  try {
    to = ` to ${readlinkSync(link)}`;
  } catch {
    // unreadable link
  }
  return `${displayPath(toSource(job, link))} is a symbolic link${to}; submit the file itself, not a link`;
}

function exists(file: string): boolean {
  try {
    return lstatSync(file).isFile() || lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- cached bundles

/** The cache's index: the inputs of the last build and where its output is. */
interface CacheIndex {
  readonly key: string;
  readonly inputs: Readonly<Record<string, string>>;
}

const cacheDir = join(sandboxRoot, 'cache');
/** Bump when the way bundles are built changes, so that old cache entries are not reused. */
const BUILDER_VERSION = 1;

/**
 * A cached build: reused while every input file it was built from has the same content hash.
 * `build(out)` writes into the folder `out` and returns the esbuild metafile.
 */
async function cached(
  name: string,
  build: (out: string) => Promise<esbuild.Metafile>,
): Promise<string> {
  const indexFile = join(cacheDir, `${name}.json`);
  const index = readIndex(indexFile);
  if (index !== undefined) {
    const dir = join(cacheDir, `${name}-${index.key}`);
    if (existsSync(dir) && sameInputs(index.inputs)) return dir;
  }
  mkdirSync(cacheDir, { recursive: true });
  const tmp = join(cacheDir, `${name}-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const meta = await build(tmp);
    const inputs: Record<string, string> = {};
    for (const input of Object.keys(meta.inputs).sort()) {
      const abs = resolve(repoRoot, input);
      inputs[abs] = hashFile(abs);
    }
    const key = createHash('sha256')
      .update(JSON.stringify({ BUILDER_VERSION, esbuild: esbuild.version, inputs }))
      .digest('hex')
      .slice(0, 16);
    const dir = join(cacheDir, `${name}-${key}`);
    if (existsSync(dir)) {
      rmSync(tmp, { recursive: true, force: true }); // built meanwhile by another process
    } else {
      try {
        renameSync(tmp, dir);
      } catch {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    writeFileSync(indexFile, JSON.stringify({ key, inputs } satisfies CacheIndex));
    return dir;
  } finally {
    if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
}

function readIndex(file: string): CacheIndex | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CacheIndex;
  } catch {
    return undefined;
  }
}

function sameInputs(inputs: Readonly<Record<string, string>>): boolean {
  for (const [file, hash] of Object.entries(inputs)) {
    try {
      if (hashFile(file) !== hash) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function hashFile(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * The core and the reference packages some chapter may import, one file each (`core.mjs`,
 * `rnn.mjs`, ...):
 * a package's imports of another course package stay imports of that file, so a run has one
 * core whichever package imports it.
 */
async function depsBundle(course: Course, needed: ReadonlySet<string>): Promise<string> {
  const packages = new Map<string, { name: string; dir: string }>([
    [CORE_PACKAGE, { name: 'core', dir: fromRoot('packages/core') }],
  ]);
  for (const c of course.chapters) {
    if (!needed.has(c.packageName)) continue; // a chapter's own package is never in its bundle
    packages.set(c.packageName, { name: c.manifest.chapter, dir: fromRoot(c.manifest.package) });
  }
  const key = [...packages.keys()].sort().join(',');
  const name = `deps-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
  return cached(name, async (out) => {
    const entryPoints = [...packages.values()].map((p) => ({ in: entryOf(p.dir), out: p.name }));
    const built = await esbuild.build({
      entryPoints,
      outdir: out,
      absWorkingDir: repoRoot,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outExtension: { '.js': '.mjs' },
      metafile: true,
      logLevel: 'silent',
      plugins: [
        {
          name: 'course-packages',
          setup(build) {
            build.onResolve({ filter: /^@rnn-course\// }, (args) => {
              const p = packages.get(args.path);
              if (p === undefined || args.kind === 'entry-point') return undefined;
              return { path: `./${p.name}.mjs`, external: true };
            });
          },
        },
      ],
    });
    return built.metafile;
  });
}

/** A package's entry file, from its package.json (`exports['.']`, then `main`). */
function entryOf(pkgDir: string): string {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
    exports?: string | Record<string, unknown>;
    main?: string;
  };
  const fromExports = typeof pkg.exports === 'string' ? pkg.exports : pkg.exports?.['.'];
  const entry = typeof fromExports === 'string' ? fromExports : (pkg.main ?? 'src/index.ts');
  return resolve(pkgDir, entry);
}

/** The sandbox's runtime, `host.mjs`, with the core external at `./deps/core.mjs`. */
async function hostBundle(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = await cached('host', async (out) => {
    const built = await esbuild.build({
      entryPoints: [{ in: join(here, 'host.ts'), out: 'host' }],
      outdir: out,
      absWorkingDir: repoRoot,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outExtension: { '.js': '.mjs' },
      metafile: true,
      logLevel: 'silent',
      plugins: [
        {
          name: 'core-external',
          setup(build) {
            build.onResolve({ filter: /^@rnn-course\/core$/ }, () => ({
              path: './deps/core.mjs',
              external: true,
            }));
          },
        },
      ],
    });
    return built.metafile;
  });
  return join(dir, 'host.mjs');
}
