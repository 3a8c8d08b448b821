/**
 * Implementations that do nothing must score nothing. For every exercise, `gradeDoNothing`
 * generates variants of its worked solution that return something without computing it (an
 * input, zeros, a constant, an empty array, undefined, a refusal) and grades them with the
 * course's suites; a check that such a variant passes and that scores is a check that rewards
 * no work (inputs unchanged, shapes, finiteness, refusals of bad input: see `check`'s
 * `requires`). `describeDoNothing(chapter)` turns this into a chapter's tests; `course verify`
 * asks every chapter to have them.
 *
 * A variant keeps the exercise's signature and the structure of its result: the wrapper calls
 * the worked solution, then replaces every tensor of the result (but its `cache`) by zeros, a
 * constant, or an input of the same shape, and every number likewise, so that only the values
 * are wrong. Each exercise is graded with its neighbours as written (the other functions of the
 * folder are the solutions'), the exercises of a folder in batches that never hold two of the
 * same file, since a backward's suite calls its forward.
 */
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Course, Exercise } from './course';
import { grade, MAINTAINER_TIMEOUT_MS } from './grade';
import { targetsDir } from './paths';
import { folderOf } from './target';

/** The ways of doing nothing, each with what it returns. */
export const DO_NOTHING = {
  undefined: 'an empty body: returns undefined',
  'first-input': 'returns its first argument',
  'empty-array': 'returns []',
  zeros: 'the right structure, every tensor and number zero',
  constant: 'the right structure, every tensor entry and number 1',
  identity: 'the right structure, each tensor an input of the same shape (the object itself)',
  copy: 'the right structure, each tensor a copy of an input of the same shape',
  'refuse-shape': 'throws a ShapeError naming the function and every argument',
  'refuse-range': 'throws a RangeError naming the function and every argument',
} as const;

/** One way of doing nothing. */
export type DoNothingKind = keyof typeof DO_NOTHING;

/** Every kind, in the order above. */
export const DO_NOTHING_KINDS = Object.keys(DO_NOTHING) as DoNothingKind[];

/** What one do-nothing variant of one exercise scored. */
export interface DoNothingResult {
  readonly id: string;
  readonly kind: DoNothingKind;
  readonly score: number;
  readonly maxScore: number;
  /** The checks that scored, with their points. */
  readonly scored: readonly { readonly name: string; readonly points: number }[];
  /** Set when the variant could not be graded at all. */
  readonly error?: string;
}

/** Options of `gradeDoNothing`. */
export interface DoNothingOptions {
  readonly course: Course;
  /** The exercises to vary (default: all of the course). */
  readonly exercises?: readonly Exercise[];
  /** The folder the variants are made from (default `solutions`). */
  readonly from?: string;
  readonly kinds?: readonly DoNothingKind[];
  /** Grading runs at once (default 2). */
  readonly concurrency?: number;
  readonly timeoutMs?: number;
}

/**
 * Grades every do-nothing variant of every exercise; one grading run per kind and batch.
 * Resolves to one result per exercise and kind.
 */
export async function gradeDoNothing(opts: DoNothingOptions): Promise<DoNothingResult[]> {
  const exercises = opts.exercises ?? opts.course.exercises;
  const from = folderOf(opts.from ?? 'solutions', 'source');
  const kinds = opts.kinds ?? DO_NOTHING_KINDS;
  const runs = kinds.flatMap((kind) => batches(exercises).map((batch) => ({ kind, batch })));
  const results: DoNothingResult[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < runs.length) {
      const { kind, batch } = runs[next++];
      results.push(...(await gradeBatch(opts, from, kind, batch)));
    }
  };
  const lanes = Math.max(1, Math.min(opts.concurrency ?? 2, runs.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  const order = (r: DoNothingResult): number =>
    exercises.findIndex((e) => e.id === r.id) * kinds.length + kinds.indexOf(r.kind);
  return results.sort((a, b) => order(a) - order(b));
}

/**
 * Exercises grouped so that no group holds two exercises of the same file: group k holds the
 * k-th exercise of every file. A suite calls the functions of its own file (a backward's suite
 * runs the forward), which must then be the worked solution's.
 */
export function batches(exercises: readonly Exercise[]): Exercise[][] {
  const position = new Map<string, number>();
  const groups: Exercise[][] = [];
  for (const e of exercises) {
    const k = position.get(e.file) ?? 0;
    position.set(e.file, k + 1);
    (groups[k] ??= []).push(e);
  }
  return groups;
}

async function gradeBatch(
  opts: DoNothingOptions,
  from: string,
  kind: DoNothingKind,
  batch: readonly Exercise[],
): Promise<DoNothingResult[]> {
  const dir = stageDoNothing(from, batch, kind);
  try {
    const report = await grade({
      course: opts.course,
      target: dir,
      filter: batch.map((e) => e.id),
      timeoutMs: opts.timeoutMs ?? MAINTAINER_TIMEOUT_MS,
    });
    return batch.map((e) => {
      const r = report.exercises.find((x) => x.id === e.id);
      if (r === undefined) {
        return { id: e.id, kind, score: 0, maxScore: e.points, scored: [], error: 'not graded' };
      }
      const scored = r.tests
        .filter((t) => t.points > 0)
        .map((t) => ({ name: t.name, points: t.points }));
      return { id: e.id, kind, score: r.score, maxScore: r.maxScore, scored };
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return batch.map((e) => ({
      id: e.id,
      kind,
      score: 0,
      maxScore: e.points,
      scored: [],
      error: message,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Copies `from` (its TypeScript sources) into a fresh folder under `.course/targets/`, with the
 * function of each exercise of `batch` replaced by its `kind` of doing nothing. Returns the folder.
 */
export function stageDoNothing(
  from: string,
  batch: readonly Exercise[],
  kind: DoNothingKind,
): string {
  mkdirSync(targetsDir, { recursive: true });
  const dir = mkdtempSync(join(targetsDir, `do-nothing-${kind}-`));
  const sources = (f: string): boolean =>
    !f.includes('node_modules') && (statSync(f).isDirectory() || f.endsWith('.ts'));
  cpSync(from, dir, { recursive: true, filter: sources });
  for (const e of batch) {
    const file = join(dir, e.file);
    writeFileSync(file, doNothingSource(readFileSync(file, 'utf8'), e.functionName, kind, e.file));
  }
  return dir;
}

/**
 * The text of a solution file with `name` doing nothing in the way `kind` says: the worked
 * function is renamed (kept, to learn the structure of its result) and an exported wrapper of
 * the same name and parameters takes its place.
 *
 * @throws Error naming the file when `name` is not declared exactly once as an exported function
 */
export function doNothingSource(
  source: string,
  name: string,
  kind: DoNothingKind,
  file = 'the file',
): string {
  const declaration = new RegExp(`^export\\s+(async\\s+)?function\\s+${name}\\b`, 'gm');
  const found = [...source.matchAll(declaration)];
  if (found.length !== 1) {
    throw new Error(
      `${file}: expected one 'export function ${name}', found ${found.length}: a do-nothing variant needs the exercise's function`,
    );
  }
  const at = found[0]?.index ?? 0;
  const params = parameterNames(source, at + (found[0]?.[0].length ?? 0), file, name);
  const worked = `__worked_${name}`;
  const renamed = `${source.slice(0, at)}${found[0]?.[1] ?? ''}function ${worked}${source.slice(
    at + (found[0]?.[0].length ?? 0),
  )}`;
  const imports =
    "import { Tensor as __Tensor, ShapeError as __ShapeError } from '@rnn-course/core';\n";
  const wrapper = [
    '',
    `// A do-nothing variant (${kind}): ${DO_NOTHING[kind]}.`,
    `export function ${name}(...args: any[]): any {`,
    `  return __doNothing(${JSON.stringify(kind)}, ${JSON.stringify(name)}, ${JSON.stringify(params)}, args, () => (${worked} as any)(...args));`,
    '}',
    DO_NOTHING_RUNTIME,
  ].join('\n');
  return `${imports}${renamed}\n${wrapper}`;
}

/** The names of the parameters of the function whose name ends at `from`. */
function parameterNames(source: string, from: number, file: string, name: string): string[] {
  let i = source.indexOf('(', from);
  if (i < 0) throw new Error(`${file}: no parameter list after function ${name}`);
  let depth = 0;
  let start = i + 1;
  const parts: string[] = [];
  for (; i < source.length; i++) {
    const c = source[i];
    if (c === '(' || c === '<' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '>' || c === '}' || c === ']') {
      if (c === '>' && source[i - 1] === '=') continue; // an arrow in a function type
      depth--;
      if (depth === 0) {
        parts.push(source.slice(start, i));
        break;
      }
    } else if (c === ',' && depth === 1) {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  return parts
    .map((p) => /^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(p)?.[1])
    .filter((p): p is string => p !== undefined);
}

/**
 * Appended to a do-nothing variant: the wrapper's logic, in plain code (the file imports only
 * the core, like any exercise file).
 */
const DO_NOTHING_RUNTIME = `
function __doNothing(kind: string, name: string, params: string[], args: any[], worked: () => any): any {
  const refused = name + ': refused ' + params.join(', ');
  switch (kind) {
    case 'undefined':
      return undefined;
    case 'first-input':
      return args[0];
    case 'empty-array':
      return [];
    case 'refuse-shape':
      throw new __ShapeError(name, 'nothing (' + params.join(', ') + ')', 'anything');
    case 'refuse-range':
      throw new RangeError(refused);
  }
  let result: any;
  try {
    result = worked();
  } catch {
    return undefined; // doing nothing checks nothing either
  }
  if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
    return result.then((r: any) => __fake(kind, r, args, ''), () => undefined);
  }
  return __fake(kind, result, args, '');
}

function __isTensor(v: any): boolean {
  return v !== null && typeof v === 'object' && v.data instanceof Float64Array && Array.isArray(v.shape);
}

function __inputOfShape(args: any[], shape: number[]): any {
  const seen = new Set<any>();
  const search = (v: any, depth: number): any => {
    if (v === null || typeof v !== 'object' || depth > 3 || seen.has(v)) return undefined;
    seen.add(v);
    if (__isTensor(v)) return v.shape.length === shape.length && v.shape.every((d: number, i: number) => d === shape[i]) ? v : undefined;
    for (const x of Array.isArray(v) ? v : Object.values(v)) {
      const found = search(x, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return search(args, 0);
}

function __fake(kind: string, value: any, args: any[], key: string): any {
  if (key === 'cache') return value; // the worked forward's cache: a backward's suite needs one
  if (__isTensor(value)) {
    const size = value.data.length;
    if (kind === 'identity' || kind === 'copy') {
      const input = __inputOfShape(args, value.shape);
      if (input !== undefined) return kind === 'identity' ? input : new __Tensor(input.data.slice(), input.shape);
    }
    return new __Tensor(new Float64Array(size).fill(kind === 'constant' ? 1 : 0), value.shape);
  }
  if (typeof value === 'number') {
    if (kind === 'constant') return 1;
    if (kind === 'identity' || kind === 'copy') return args.find((a) => typeof a === 'number') ?? 0;
    return 0;
  }
  if (Array.isArray(value)) return value.map((v) => __fake(kind, v, args, ''));
  if (value !== null && typeof value === 'object') {
    const out: any = {};
    for (const k of Object.keys(value)) out[k] = __fake(kind, value[k], args, k);
    return out;
  }
  return value;
}
`;
