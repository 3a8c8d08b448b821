/**
 * What a sandboxed call rejects with. An error the learner's code threw keeps its name (so a
 * `NotImplementedError` is still recognised by name, with its exercise id) and gains the
 * learner's own `file:line:col`, mapped through the bundle's source maps. The sandbox's own
 * failures (a time limit, a crash, a refused import) have names of their own.
 */
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { displayPath, isInside } from '../paths';
import type { ChapterBundle } from './bundle';
import { describeViolation, type ImportViolation } from './import-rule';
import type { EncodedError } from './protocol';

/** One stack frame, mapped back to the learner's file where it points into one. */
export interface Frame {
  /** Where the learner's file was read (the target folder), or the bundle file when unmapped. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** True when the frame is in the learner's code. */
  readonly learner: boolean;
}

/** Maps stack frames of the sandbox's bundles back to the learner's sources. */
export class StackMapper {
  private readonly maps = new Map<string, SourceMap | null>();

  constructor(private readonly bundle: ChapterBundle) {}

  /** The frames of a V8 stack trace, innermost first. */
  frames(stack: string): Frame[] {
    const frames: Frame[] = [];
    for (const line of stack.split('\n')) {
      const m = /\(?((?:file:\/\/)?\/[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line);
      if (m === null || !line.trimStart().startsWith('at ')) continue;
      const raw = m[1] ?? '';
      const file = raw.startsWith('file://') ? fileURLToPath(raw) : raw;
      frames.push(this.map(file, Number(m[2]), Number(m[3])));
    }
    return frames;
  }

  /** `exercises/rnn/rnn-step.ts:7:7`: where the learner's own file is, as the learner knows it. */
  show(frame: Frame): string {
    const source = isInside(this.bundle.targetDir, frame.file)
      ? join(this.bundle.sourceDir, relative(this.bundle.targetDir, frame.file))
      : frame.file;
    return `${displayPath(source)}:${frame.line}:${frame.column}`;
  }

  private map(file: string, line: number, column: number): Frame {
    const unmapped = { file, line, column, learner: false };
    if (!isInside(join(this.bundle.dir, 'learner'), file)) return unmapped;
    const map = this.mapOf(file);
    const entry = map?.findEntry(line - 1, column - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined;
    if (entry?.originalSource === undefined || entry.originalLine === undefined) return unmapped;
    const source = entry.originalSource.startsWith('file://')
      ? fileURLToPath(entry.originalSource)
      : resolve(dirname(file), entry.originalSource);
    return {
      file: source,
      line: entry.originalLine + 1,
      column: (entry.originalColumn ?? 0) + 1,
      learner: isInside(this.bundle.targetDir, source),
    };
  }

  private mapOf(file: string): SourceMap | null {
    let map = this.maps.get(file);
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
      } catch {
        map = null;
      }
      this.maps.set(file, map);
    }
    return map;
  }
}

/** An error thrown by the learner's code in the sandbox, as the trusted side sees it. */
export class LearnerError extends Error {
  /** The exercise id of a NotImplementedError. */
  readonly exerciseId?: string;
  /** Node's error code, e.g. `ERR_ACCESS_DENIED` when the permission model refused. */
  readonly code?: string;
  /** The innermost frame in the learner's files: `exercises/rnn/rnn-step.ts:7:7`. */
  readonly location?: string;
  /** Every frame, innermost first; learner frames point at the files the bundler read. */
  readonly frames: readonly Frame[];

  constructor(e: EncodedError, mapper: StackMapper) {
    super(withRefusal(e));
    Object.defineProperty(this, 'name', { value: e.name, writable: true, configurable: true });
    if (e.exerciseId !== undefined) this.exerciseId = e.exerciseId;
    if (e.code !== undefined) this.code = e.code;
    this.frames = mapper.frames(e.stack);
    const first = this.frames.find((f) => f.learner);
    if (first !== undefined) this.location = mapper.show(first);
    if (e.cause !== undefined) this.cause = new LearnerError(e.cause, mapper);
    this.stack = [
      `${e.name}: ${this.message}`,
      ...this.frames.map((f) => `    at ${f.file}:${f.line}:${f.column}`),
    ].join('\n');
  }
}

/** Node's permission model says only "Access to this API has been restricted": say what. */
function withRefusal(e: EncodedError): string {
  if (e.code !== 'ERR_ACCESS_DENIED') return e.message;
  const on = e.resource === undefined ? '' : ` ${e.resource}`;
  const what: Record<string, string> = {
    FileSystemRead: `reading${on}: code in the sandbox may read only its own bundle`,
    FileSystemWrite: `writing${on}: code in the sandbox may not write files`,
    ChildProcess: 'starting a child process',
    WorkerThreads: 'starting a worker thread',
    Inspector: 'opening the inspector',
    WASI: 'creating a WASI instance',
  };
  const refused = what[e.permission ?? ''] ?? e.permission ?? 'this operation';
  return `${e.message} (refused by the sandbox: ${refused})`;
}

/** A call or an import that did not finish within the time limit; the sandbox was killed. */
export class SandboxTimeoutError extends Error {
  override name = 'SandboxTimeoutError';
}

/** The sandbox process ended while a call was running: out of memory, an exit, a signal. */
export class SandboxCrashError extends Error {
  override name = 'SandboxCrashError';
}

/** The learner's file was not bundled: an import the rule refuses, or a link. */
export class ImportRefusedError extends Error {
  override name = 'ImportRefusedError';
  constructor(readonly violations: readonly ImportViolation[]) {
    super(violations.map((v) => describeViolation(v, displayPath)).join('\n'));
  }
}

/** The learner's file could not be bundled (a syntax error, say): esbuild's message. */
export class BundleError extends Error {
  override name = 'BundleError';
}
