/**
 * The command-line flags every lab understands, and a guard so that a lab file runs its
 * `main` only when started directly (`tsx labs/char-rnn.ts`), not when a test imports it.
 *
 *   --quick          a small run that finishes in seconds (the test suite uses it)
 *   --steps N        number of training steps (overrides the lab's default)
 *   --impl NAME      reference | solutions | exercises: whose code the model runs on
 *   --out DIR        folder for figures and samples (default: .course/lab-output/<chapter>/)
 *   --update-figures write into the chapter's committed figures/ (maintainers; full reference runs)
 *   --seed N         seed of the random generator
 *   --help           print the flags and exit
 *
 * A learner's run, or any quick run, never touches the figures the chapter's text quotes: they
 * go to an ignored folder, and `outputDir` says where. Refreshing the committed figures is the
 * explicit `--update-figures`, refused for quick runs and for runs on anyone's code but the
 * reference, so that the chapter's numbers and its figures come from the same run.
 */
import { realpathSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Whose implementation a lab trains: the chapter's reference, the worked solutions, or yours. */
export type Impl = 'reference' | 'solutions' | 'exercises';

/** The parsed flags. */
export interface LabArgs {
  quick: boolean;
  steps: number | undefined;
  impl: Impl;
  out: string | undefined;
  /** Write into the chapter's committed figures/ folder (maintainers only). */
  updateFigures: boolean;
  seed: number;
  help: boolean;
}

/** A flag the lab does not know or a value it cannot use; the message lists the valid flags. */
export class ArgsError extends Error {
  constructor(message: string) {
    super(`${message}\n${usage()}`);
    this.name = 'ArgsError';
  }
}

const IMPLS: readonly Impl[] = ['reference', 'solutions', 'exercises'];

/** The help text listing every flag. */
export function usage(): string {
  return [
    'valid flags:',
    '  --quick           small run that finishes in seconds',
    '  --steps N         number of training steps',
    '  --impl NAME       reference | solutions | exercises (default reference)',
    '  --out DIR         folder for figures and samples (default .course/lab-output/<chapter>/)',
    "  --update-figures  write into the chapter's committed figures/ (maintainers)",
    '  --seed N          seed of the random generator (default 0)',
    '  --help            print this help',
  ].join('\n');
}

function integer(flag: string, value: string | undefined, min: number): number {
  if (value === undefined || value.startsWith('--')) throw new ArgsError(`${flag} needs a value`);
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new ArgsError(`${flag} needs an integer >= ${min}, received "${value}"`);
  }
  return n;
}

/**
 * Parses a lab's flags (`process.argv.slice(2)`); both `--steps 100` and `--steps=100` work.
 *
 * @throws ArgsError naming the bad flag and listing the valid ones
 */
export function parseLabArgs(argv: readonly string[]): LabArgs {
  const args: LabArgs = {
    quick: false,
    steps: undefined,
    impl: 'reference',
    out: undefined,
    updateFigures: false,
    seed: 0,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.indexOf('=');
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--quick':
        args.quick = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--update-figures':
        args.updateFigures = true;
        break;
      case '--steps':
        args.steps = integer(flag, value(), 1);
        break;
      case '--seed':
        args.seed = integer(flag, value(), 0);
        break;
      case '--out': {
        const dir = value();
        if (dir === undefined || dir === '' || dir.startsWith('--'))
          throw new ArgsError('--out needs a folder');
        args.out = dir;
        break;
      }
      case '--impl': {
        const impl = value();
        if (!IMPLS.includes(impl as Impl)) {
          throw new ArgsError(
            `--impl must be one of ${IMPLS.join(', ')}, received "${impl ?? ''}"`,
          );
        }
        args.impl = impl as Impl;
        break;
      }
      default:
        throw new ArgsError(`unknown flag "${raw}"`);
    }
  }
  if (args.updateFigures && args.quick) {
    throw new ArgsError(
      "--update-figures writes the chapter's committed figures, which come from full runs: drop --quick",
    );
  }
  if (args.updateFigures && args.impl !== 'reference') {
    throw new ArgsError(
      `--update-figures writes the chapter's committed figures, which come from the reference: ` +
        `drop --impl ${args.impl}`,
    );
  }
  if (args.updateFigures && args.out !== undefined) {
    throw new ArgsError('--update-figures and --out both choose the folder: give one of them');
  }
  return args;
}

/** The repository's root (the lab kit lives at packages/lab/src). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/**
 * Where a lab writes its figures and samples: `--out` when given; the chapter's committed
 * `figures/` folder with `--update-figures`; otherwise `.course/lab-output/<chapter>/` at the
 * repository's root, a folder git ignores, so that a learner's run or a quick run never changes
 * the figures the chapter quotes.
 *
 * @param args     the parsed flags
 * @param figures  the chapter's committed figures folder (absolute)
 * @param chapter  the chapter's id, e.g. `rnn`, naming the default folder
 */
export function outputDir(args: LabArgs, figures: string, chapter: string): string {
  if (args.out !== undefined) return resolve(args.out);
  if (args.updateFigures) return figures;
  return join(repoRoot, '.course', 'lab-output', chapter);
}

/** `dir` as a learner would type it: relative to the repository's root when inside it. */
export function shownPath(dir: string): string {
  const rel = relative(repoRoot, dir);
  return rel.startsWith('..') || rel === '' ? dir : rel;
}

/**
 * The command that reproduces a run, for figure captions and logs: the npm script with the
 * flags that change the result (`--out` and `--update-figures` are left out: they change only
 * where files go).
 *
 * @example labCommand('lab:char-rnn', '@rnn-course/rnn', args)
 *   // 'npm run lab:char-rnn -w @rnn-course/rnn -- --quick --seed 3'
 */
export function labCommand(script: string, workspace: string, args: LabArgs): string {
  const flags: string[] = [];
  if (args.quick) flags.push('--quick');
  if (args.steps !== undefined) flags.push('--steps', String(args.steps));
  if (args.impl !== 'reference') flags.push('--impl', args.impl);
  if (args.seed !== 0) flags.push('--seed', String(args.seed));
  const base = `npm run ${script} -w ${workspace}`;
  return flags.length > 0 ? `${base} -- ${flags.join(' ')}` : base;
}

/**
 * True when the module at `importMetaUrl` is the script node was started with
 * (`tsx labs/x.ts`), false when it was imported (by a test, say).
 */
export function isMain(importMetaUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  const canonical = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return canonical(fileURLToPath(importMetaUrl)) === canonical(script);
}

/**
 * Runs a lab's `main(argv)` when its file is started directly: parses nothing itself, prints
 * an error's message (not its stack, for ArgsError) and sets a non-zero exit code on failure.
 */
export function runIfMain(importMetaUrl: string, main: (argv: string[]) => Promise<unknown>): void {
  if (!isMain(importMetaUrl)) return;
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof ArgsError) console.error(error.message);
    else console.error(error);
    process.exitCode = 1;
  });
}
