/**
 * `course generate`, for maintainers: writes what follows from the manifests and the worked
 * solutions, so that each fact has one source.
 *
 * - Stubs: every file of `solutions/<chapter>/` becomes the file of the same name in
 *   `exercises/<chapter>/`. The learner's part of a solution is marked by `// BEGIN SOLUTION`
 *   and `// END SOLUTION` lines; a region inside an exercise's function becomes the region's
 *   TODO line (the text after `BEGIN SOLUTION:`) and `notImplemented('<id>')`; a region
 *   anywhere else (an interface's fields, a helper at the top level) becomes its TODO line, or
 *   nothing. Imports the stub no longer uses are dropped.
 * - Tables: in the chapter texts and in `docs/*.md`, the text between
 *   `<!-- generated: exercises <chapter> [week <n>] -->` (or `total <chapter>`) and
 *   `<!-- end generated -->` is the manifest's table of exercises (or their count).
 *
 * `verify` runs the same generation in memory and fails on any file that differs.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, relative, resolve } from 'node:path';
import type { Course } from './course';
import { blankComments } from './imports';
import { displayPath, fromRoot, repoRoot } from './paths';

/** One generated file: where it goes, what is there now (undefined: nothing), what belongs. */
export interface GeneratedFile {
  readonly path: string;
  readonly current: string | undefined;
  readonly expected: string;
  /** Where it is generated from, for messages: `solutions/rnn/rnn-step.ts`, the manifests. */
  readonly source: string;
  readonly kind: 'stub' | 'table';
}

/** A mistake in a marked solution or a generated region: file, line and what is wrong. */
export class GenerateError extends Error {
  override name = 'GenerateError';
}

/** Where the solutions and the stubs are (the repository's by default). */
export interface GenerateOptions {
  readonly exercisesDir?: string;
  readonly solutionsDir?: string;
  /** Markdown files holding generated regions; default: the chapter texts and `docs/*.md`. */
  readonly documents?: readonly string[];
}

/** Every generated file of the course, with what is there now and what belongs there. */
export function generatedFiles(course: Course, opts: GenerateOptions = {}): GeneratedFile[] {
  const exercisesDir = opts.exercisesDir ?? resolve(repoRoot, 'exercises');
  const solutionsDir = opts.solutionsDir ?? resolve(repoRoot, 'solutions');
  const stubs: { path: string; rel: string; raw: string; source: string }[] = [];
  for (const chapter of course.chapters) {
    const id = chapter.manifest.chapter;
    const folder = join(solutionsDir, id);
    for (const file of typeScriptFiles(folder)) {
      const rel = posix.join(id, relative(folder, file).split('\\').join('/'));
      const raw = rawStubOf(readFileSync(file, 'utf8'), rel, course);
      stubs.push({ path: join(exercisesDir, rel), rel, raw, source: displayPath(file) });
    }
  }
  const formatted = formatTypeScript(stubs.map((s) => ({ file: s.rel, text: s.raw })));
  const files: GeneratedFile[] = stubs.map((s, i) => ({
    path: s.path,
    current: existsSync(s.path) ? readFileSync(s.path, 'utf8') : undefined,
    expected: formatted[i] ?? s.raw,
    source: s.source,
    kind: 'stub',
  }));
  for (const doc of opts.documents ?? documents(course)) {
    const text = readFileSync(doc, 'utf8');
    files.push({
      path: doc,
      current: text,
      expected: withTables(text, doc, course),
      source: 'the manifests',
      kind: 'table',
    });
  }
  return files;
}

/** The Markdown files that may hold generated regions: chapter texts and `docs/*.md`. */
export function documents(course: Course): string[] {
  const docs = resolve(repoRoot, 'docs');
  const inDocs = existsSync(docs)
    ? readdirSync(docs)
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(docs, f))
    : [];
  const texts = course.chapters.map((c) => fromRoot(c.text)).filter((f) => existsSync(f));
  return [...texts, ...inDocs];
}

// ---------------------------------------------------------------------------------------------
// Stubs

const BEGIN = /^(\s*)\/\/ BEGIN SOLUTION(?::\s*(.*?))?\s*$/;
const END = /^\s*\/\/ END SOLUTION\s*$/;
const DECLARATION =
  /^(export\s+)?(async\s+)?(function\*?|interface|type|class|const|let|enum)\s+(\w+)/;

/**
 * The stub of one solution file, formatted as `npm run format` would.
 *
 * @param source the solution's text
 * @param file   its path relative to `solutions/`, e.g. `rnn/rnn-step.ts`
 * @throws GenerateError naming the file and line of a malformed region, of a region in a
 *   function that is no exercise, or of an exercise function without a region
 */
export function stubOf(source: string, file: string, course: Course): string {
  return formatTypeScript([{ file, text: rawStubOf(source, file, course) }])[0] ?? '';
}

/**
 * What `course solution` may show of one solution file: the worked code of the exercises in
 * `shown` (those the learner has passed) and the stub of the others, formatted. A region outside
 * any exercise's function (a cache's fields, a helper) is shown once every exercise of the file
 * is, since it may serve one not passed yet.
 *
 * @throws GenerateError as `stubOf` does
 */
export function partialSolutionOf(
  source: string,
  file: string,
  course: Course,
  shown: ReadonlySet<string>,
): string {
  return formatTypeScript([{ file, text: rawStubOf(source, file, course, shown) }])[0] ?? '';
}

/** The stub before formatting; the regions of the exercises in `keep` stay as they are. */
function rawStubOf(
  source: string,
  file: string,
  course: Course,
  keep: ReadonlySet<string> = new Set(),
): string {
  const lines = source.split('\n');
  const out: string[] = [];
  const where = (i: number): string => `solutions/${file}:${i + 1}`;
  const mine = course.exercises.filter((e) => e.file === file);
  const keepShared = mine.length > 0 && mine.every((e) => keep.has(e.id));
  const marked = new Set<string>();
  let usesNotImplemented = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (END.test(line)) throw new GenerateError(`${where(i)}: END SOLUTION without BEGIN SOLUTION`);
    const begin = BEGIN.exec(line);
    if (begin === null) {
      out.push(line);
      continue;
    }
    const end = lines.findIndex((l, k) => k > i && (END.test(l) || BEGIN.test(l)));
    if (end < 0 || !END.test(lines[end])) {
      throw new GenerateError(`${where(i)}: BEGIN SOLUTION without its END SOLUTION`);
    }
    const indent = begin[1];
    const todo = begin[2];
    const owner = indent === '' ? undefined : enclosing(lines, i);
    const exercise = owner?.kind.startsWith('function')
      ? mine.find((e) => e.functionName === owner.name)
      : undefined;
    if (owner?.kind.startsWith('function') && exercise === undefined) {
      const names = mine.map((e) => e.functionName).join(', ') || 'none';
      throw new GenerateError(
        `${where(i)}: a region in ${owner.name}, which is no exercise's function of ${file} (exercises: ${names})`,
      );
    }
    if (exercise !== undefined) marked.add(exercise.id);
    if (exercise !== undefined ? keep.has(exercise.id) : keepShared) {
      out.push(...lines.slice(i + 1, end)); // shown as written
    } else {
      if (todo !== undefined && todo !== '') out.push(`${indent}// TODO: ${todo}`);
      if (exercise !== undefined) {
        out.push(`${indent}notImplemented('${exercise.id}');`);
        usesNotImplemented = true;
      }
    }
    i = end;
  }
  for (const e of mine) {
    if (!marked.has(e.id)) {
      throw new GenerateError(
        `solutions/${file}: ${e.functionName} (${e.id}) has no // BEGIN SOLUTION region in its body`,
      );
    }
  }
  return pruneImports(out.join('\n'), usesNotImplemented);
}

/** The top-level declaration line `i` is inside: the nearest one above it at column 0. */
function enclosing(
  lines: readonly string[],
  i: number,
): { kind: string; name: string } | undefined {
  for (let k = i - 1; k >= 0; k--) {
    const m = DECLARATION.exec(lines[k]);
    if (m !== null) return { kind: m[3], name: m[4] };
  }
  return undefined;
}

/** One import statement: its text span and the names it brings in. */
interface ImportStatement {
  readonly start: number;
  readonly end: number;
  readonly typeOnly: boolean;
  readonly names: readonly string[];
  readonly from: string;
}

const IMPORT = /^import\s+(type\s+)?\{([^}]*)\}\s*from\s*(['"])([^'"]+)\3;?[ \t]*\n?/gm;

/**
 * Drops the named imports the code no longer uses (a name counts as used when it occurs outside
 * comments and imports), and adds `notImplemented` from the core when a stub needs it.
 */
function pruneImports(text: string, needsNotImplemented: boolean): string {
  const statements: ImportStatement[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const names = (m[2] ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    statements.push({
      start: m.index,
      end: m.index + m[0].length,
      typeOnly: m[1] !== undefined,
      names,
      from: m[4] ?? '',
    });
  }
  let code = text;
  for (const s of [...statements].reverse()) code = code.slice(0, s.start) + code.slice(s.end);
  const used = new Set(blankComments(code).match(/[A-Za-z_$][\w$]*/g) ?? []);
  const local = (n: string): string =>
    n
      .replace(/^type\s+/, '')
      .split(/\s+as\s+/)
      .at(-1) ?? n;
  let added = !needsNotImplemented;
  const kept = statements.map((s) => {
    const names = s.names.filter((n) => used.has(local(n)));
    if (!added && !s.typeOnly && s.from === '@rnn-course/core') {
      names.push('notImplemented');
      added = true;
    }
    return { ...s, names };
  });
  let out = text;
  for (const s of [...kept].reverse()) {
    const statement =
      s.names.length === 0
        ? ''
        : `import ${s.typeOnly ? 'type ' : ''}{ ${s.names.join(', ')} } from '${s.from}';\n`;
    out = out.slice(0, s.start) + statement + out.slice(s.end);
  }
  if (!added) {
    // No value import of the core to add it to: one goes before the first import, or, in a file
    // without imports, after the module's doc comment (a comment followed by a blank line).
    const header = /^\/\*\*[\s\S]*?\*\/\n\n/.exec(out);
    const at = statements[0]?.start ?? header?.[0].length ?? 0;
    const line = `import { notImplemented } from '@rnn-course/core';\n`;
    out = `${out.slice(0, at)}${line}${statements.length === 0 ? '\n' : ''}${out.slice(at)}`;
  }
  return out;
}

/**
 * Formats TypeScript files with the repository's Biome configuration (as `npm run format`
 * does), all in one run of Biome, in a scratch folder under `.course/`.
 *
 * @param files a name (relative path) and a text each
 * @returns the formatted texts, in the same order
 */
export function formatTypeScript(files: readonly { file: string; text: string }[]): string[] {
  if (files.length === 0) return [];
  const scratch = resolve(repoRoot, '.course'); // inside the repository, where biome.json applies
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(join(scratch, 'generate-'));
  try {
    const paths = files.map((f, i) => join(dir, String(i), f.file));
    files.forEach((f, i) => {
      mkdirSync(dirname(paths[i]), { recursive: true });
      writeFileSync(paths[i], f.text);
    });
    const biome = createRequire(join(repoRoot, 'package.json')).resolve('@biomejs/biome/bin/biome');
    // .course/ is ignored by git, and so by Biome unless told otherwise.
    const args = [biome, 'format', '--write', '--vcs-use-ignore-file=false', dir];
    const run = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
    if (run.status !== 0) {
      const output = `${run.stdout}\n${run.stderr}`.trim();
      throw new GenerateError(`a generated stub does not parse:\n${output}`);
    }
    return paths.map((p) => readFileSync(p, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function typeScriptFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => f.endsWith('.ts') && statSync(f).isFile())
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Tables

const REGION = /<!-- generated: ([^>]*?) -->\n([\s\S]*?)<!-- end generated -->/g;

/**
 * The Markdown text with every generated region filled in from the manifests.
 *
 * @param path where the text lives (links are made relative to it)
 * @throws GenerateError naming the file and the region when a region names no chapter, or its
 *   kind is unknown
 */
export function withTables(text: string, path: string, course: Course): string {
  return text.replace(REGION, (_all, spec: string) => {
    const content = region(spec.trim(), path, course);
    return `<!-- generated: ${spec} -->\n${content}<!-- end generated -->`;
  });
}

/** The content of one region, ending with a newline. */
function region(spec: string, path: string, course: Course): string {
  const [kind, chapterId, weekWord, weekValue] = spec.split(/\s+/);
  const chapter = course.chapters.find((c) => c.manifest.chapter === chapterId);
  const at = `${displayPath(path)}: generated region '${spec}'`;
  if (chapter === undefined) {
    const known = course.chapters.map((c) => c.manifest.chapter).join(', ');
    throw new GenerateError(`${at} names no chapter (chapters: ${known})`);
  }
  let exercises = course.exercises.filter((e) => e.chapter === chapter);
  if (weekWord !== undefined) {
    const week = Number(weekValue);
    if (weekWord !== 'week' || !Number.isInteger(week)) {
      throw new GenerateError(`${at}: expected 'week <n>' after the chapter`);
    }
    exercises = exercises.filter((e) => e.week === week);
  }
  const points = exercises.reduce((s, e) => s + e.points, 0);
  const count = `${exercises.length} ${exercises.length === 1 ? 'exercise' : 'exercises'}, ${points} points.`;
  if (kind === 'total') return `\n${count}\n\n`;
  if (kind !== 'exercises') {
    throw new GenerateError(`${at}: unknown kind '${kind}' (use exercises or total)`);
  }
  const link = (target: string): string =>
    relative(dirname(path), fromRoot(target)).split('\\').join('/');
  const rows = exercises.map((e) => {
    const [text, anchor] = e.section.split('#');
    const heading = headingOf(fromRoot(text ?? ''), anchor ?? '');
    const sectionLink =
      fromRoot(text ?? '') === path ? `#${anchor}` : `${link(text ?? '')}#${anchor}`;
    const file = `[${posix.basename(e.file)}](${link(`exercises/${e.file}`)})`;
    return `| \`${e.id}\` | ${e.title} | \`${e.functionName}\` | ${file} | ${e.points} | [${heading}](${sectionLink}) |`;
  });
  return [
    '',
    '| id | title | function | file | points | section |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    count,
    '',
    '',
  ].join('\n');
}

/** The heading of `file` whose anchor is `anchor` (the anchor itself when there is none). */
function headingOf(file: string, anchor: string): string {
  if (!existsSync(file)) return anchor;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (m !== null && slug(m[1] ?? '') === anchor) return (m[1] ?? '').trim();
  }
  return anchor;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
