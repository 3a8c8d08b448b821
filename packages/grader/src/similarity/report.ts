/**
 * The similarity report of a class: every student's exercise files compared with every other
 * student's same file, with the worked solution, and with the chapter's reference package; the
 * pairs scoring at least the threshold, with their matching regions, as CSV and as a Markdown
 * page an instructor reads (code excerpts side by side, a pair at a time).
 *
 * A similarity score is a reason to look, not a verdict: small exercises admit few solutions,
 * and every learner follows the same chapter.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Course } from '../course';
import { studentsOf } from '../commands/batch';
import { displayPath, fromRoot, userPath } from '../paths';
import {
  baseHashes,
  compareDocuments,
  documentOf,
  type Match,
  type SimilarityDocument,
} from './compare';
import { DEFAULT_K, DEFAULT_W } from './winnow';

/** What to compare. */
export interface SimilarityOptions {
  readonly course: Course;
  /** The folder of student folders (as for `grade-batch`). */
  readonly dir: string;
  /** Pairs scoring at least this (0..1) are reported (default 0.5). */
  readonly threshold?: number;
  readonly k?: number;
  readonly w?: number;
  /** The worked solutions (default `solutions/`). */
  readonly solutionsDir?: string;
  /** The stubs every learner starts from, left out of every comparison (default `exercises/`). */
  readonly stubsDir?: string;
}

/** The report: the pairs at or above the threshold, best first. */
export interface SimilarityReport {
  readonly students: readonly string[];
  readonly files: readonly string[];
  readonly threshold: number;
  readonly k: number;
  readonly w: number;
  readonly matches: readonly Match[];
}

/** Compares the class; reads files only, runs nothing. */
export function similarityReport(opts: SimilarityOptions): SimilarityReport {
  const k = opts.k ?? DEFAULT_K;
  const w = opts.w ?? DEFAULT_W;
  const threshold = opts.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new Error(`the similarity threshold must be between 0 and 1, received ${threshold}`);
  }
  const dir = userPath(opts.dir);
  const solutions = opts.solutionsDir ?? fromRoot('solutions');
  const stubs = opts.stubsDir ?? fromRoot('exercises');
  const students = studentsOf(dir);
  const files = [...new Set(opts.course.exercises.map((e) => e.file))];
  const read = (owner: string, file: string, path: string): SimilarityDocument | undefined =>
    isFile(path) ? documentOf(owner, file, readFileSync(path, 'utf8'), { k, w }) : undefined;
  const matches: Match[] = [];
  for (const file of files) {
    const chapter = opts.course.exercises.find((e) => e.file === file)?.chapter;
    const base = baseHashes(read('stub', file, join(stubs, file)));
    const mine = students.flatMap((s) => {
      const doc = read(s, file, fileOf(join(dir, s), file));
      return doc === undefined ? [] : [doc];
    });
    const solution = read('solutions', file, join(solutions, file));
    const references =
      chapter === undefined ? [] : referenceFiles(fromRoot(chapter.manifest.package));
    const referenceDocs = references.flatMap((path) => {
      const doc = read('reference', displayPath(path), path);
      return doc === undefined ? [] : [doc];
    });
    for (let i = 0; i < mine.length; i++) {
      const a = mine[i] as SimilarityDocument;
      for (let j = i + 1; j < mine.length; j++) {
        matches.push(compareDocuments(a, mine[j] as SimilarityDocument, base, k));
      }
      if (solution !== undefined) matches.push(compareDocuments(a, solution, base, k));
      const best = referenceDocs
        .map((r) => compareDocuments(a, r, base, k))
        .sort((x, y) => y.score - x.score)[0];
      if (best !== undefined) matches.push(best);
    }
  }
  return {
    students,
    files,
    threshold,
    k,
    w,
    matches: matches
      .filter((m) => m.score >= threshold && m.score > 0)
      .sort((x, y) => y.score - x.score),
  };
}

/** Writes the CSV and the Markdown page; returns the report. */
export function writeSimilarityReport(
  opts: SimilarityOptions & { readonly csv: string; readonly markdown: string },
): SimilarityReport {
  const report = similarityReport(opts);
  for (const [file, text] of [
    [opts.csv, toSimilarityCsv(report)],
    [opts.markdown, toSimilarityMarkdown(report)],
  ] as const) {
    mkdirSync(dirname(userPath(file)), { recursive: true });
    writeFileSync(userPath(file), text);
  }
  return report;
}

/** One row per pair: file, both owners, the scores in percent and the regions. */
export function toSimilarityCsv(report: SimilarityReport): string {
  const rows = [['file', 'a', 'b', 'b_file', 'score', 'a_matched', 'b_matched', 'regions']];
  for (const m of report.matches) {
    rows.push([
      m.a.file,
      m.a.owner,
      m.b.owner,
      m.b.file,
      percent(m.score),
      percent(m.shareA),
      percent(m.shareB),
      m.regions.map((r) => `a ${span(r.a)} ~ b ${span(r.b)}`).join('; '),
    ]);
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** Excerpts per pair and lines per excerpt on the Markdown page. */
const MAX_REGIONS = 3;
const MAX_LINES = 15;

/** The page an instructor reads: a table of the pairs, then each pair's matching code. */
export function toSimilarityMarkdown(report: SimilarityReport): string {
  const out: string[] = [
    '# Similarity report',
    '',
    `${report.students.length} submissions, ${report.files.length} exercise files. Each student's file ` +
      "was compared with every other student's, with the worked solution and with the chapter's " +
      'reference package, on normalised tokens (identifiers, literals and comments removed, so ' +
      `renaming hides nothing) with winnowed fingerprints (k = ${report.k}, w = ${report.w}: every ` +
      `shared run of ${report.k + report.w - 1} tokens is found). Code of the exercise stubs does not count. ` +
      'A score is a reason to look, not a verdict.',
    '',
  ];
  if (report.matches.length === 0) {
    out.push(`No pair scores ${percent(report.threshold)} or more.`, '');
    return out.join('\n');
  }
  out.push(
    `Pairs scoring ${percent(report.threshold)} or more, best first:`,
    '',
    '| # | score | file | a | b | share of a | share of b |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  report.matches.forEach((m, i) => {
    out.push(
      `| ${i + 1} | ${percent(m.score)} | \`${m.a.file}\` | ${m.a.owner} | ${owner(m)} | ${percent(m.shareA)} | ${percent(m.shareB)} |`,
    );
  });
  report.matches.forEach((m, i) => {
    out.push(
      '',
      `## ${i + 1}. ${m.a.owner} and ${owner(m)}: \`${m.a.file}\`, ${percent(m.score)}`,
      '',
    );
    const shown = m.regions.slice(0, MAX_REGIONS);
    for (const r of shown) {
      out.push(
        `${m.a.owner}, lines ${span(r.a)}:`,
        '',
        '```ts',
        ...excerpt(m.a.source, r.a),
        '```',
        '',
        `${owner(m)}, lines ${span(r.b)}:`,
        '',
        '```ts',
        ...excerpt(m.b.source, r.b),
        '```',
        '',
      );
    }
    if (m.regions.length > shown.length) {
      out.push(`(${m.regions.length - shown.length} more regions in the CSV.)`, '');
    }
  });
  return `${out.join('\n').trimEnd()}\n`;
}

/** Where a student's copy of `file` is: in the folder, or in its `exercises/` (a whole clone). */
function fileOf(studentDir: string, file: string): string {
  const direct = join(studentDir, file);
  const nested = join(studentDir, 'exercises', file);
  return !isFile(direct) && isFile(nested) ? nested : direct;
}

/** The reference package's source files (its `src/`). */
function referenceFiles(pkgDir: string): string[] {
  const src = join(pkgDir, 'src');
  if (!existsSync(src)) return [];
  return readdirSync(src, { recursive: true })
    .map((f) => join(src, String(f)))
    .filter((f) => f.endsWith('.ts') && isFile(f))
    .sort();
}

function isFile(path: string): boolean {
  try {
    return lstatSync(path).isFile(); // a link is not read: it would compare what it points to
  } catch {
    return false;
  }
}

function owner(m: Match): string {
  return m.b.owner === 'reference' ? `reference (\`${m.b.file}\`)` : m.b.owner;
}

function excerpt(source: string, [first, last]: readonly [number, number]): string[] {
  const lines = source.split('\n').slice(first - 1, last);
  return lines.length > MAX_LINES
    ? [...lines.slice(0, MAX_LINES), `// ... ${lines.length - MAX_LINES} more lines`]
    : lines;
}

function span([first, last]: readonly [number, number]): string {
  return first === last ? `${first}` : `${first}-${last}`;
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
