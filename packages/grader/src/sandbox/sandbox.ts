/**
 * The trusted side of the sandbox: starts the Node process that runs one chapter's learner
 * code, sends it calls and turns its replies back into values and errors.
 *
 * The process runs under Node's permission model (reads limited to the chapter's bundle folder;
 * no writes, child processes, workers or addons), without code generation from strings, with
 * an environment of its own (a temporary HOME, no COURSE_* variables) and a heap limit. It
 * starts on the first call. A call that does not return within the time limit kills it, and the
 * next call starts a fresh one; so does a crash.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, Tensor } from '@rnn-course/core';
import { displayPath } from '../paths';
import { readChapterBundle, type ChapterBundle } from './bundle';
import { decodeValue, encodeArgs, restoreRng, type TrustedCodec } from './codec';
import {
  BundleError,
  ImportRefusedError,
  LearnerError,
  SandboxCrashError,
  SandboxTimeoutError,
  StackMapper,
} from './errors';
import type { CallReport, Encoded, EncodedError, Reply, Request } from './protocol';
import { remoteModule, type ModuleOptions, type Remote } from './remote';

/** How a sandbox runs. */
export interface SandboxOptions {
  /** The limit for one call, one import and one item of a batch (default 10 s). */
  readonly timeoutMs?: number;
  /** The time the process may take to start and load the core (default 30 s). */
  readonly startupMs?: number;
  /**
   * The heap limit of the process, in MB (default 2048). On Linux its address space is limited
   * to 1.5 GB more, which bounds typed arrays as well.
   */
  readonly memoryMb?: number;
  /** Receives what the learner's code prints (stdout and stderr). */
  readonly onOutput?: (text: string) => void;
}

/** Options of one call. */
export interface CallOptions {
  /**
   * Switch the core's autograd off while the call runs: `true` for the usual reason (a
   * hand-derived backward), or the text of the reason.
   */
  readonly withoutAutograd?: boolean | string;
  /** This call's time limit instead of the sandbox's. */
  readonly timeoutMs?: number;
}

/** Options of a batch. */
export interface BatchOptions extends CallOptions {
  /** Keep only this part of each result, e.g. `['nextH']`: less to copy back. */
  readonly pick?: ReadonlyArray<string | number>;
}

/** A call's value, with what the sandbox saw while it ran. */
export interface CallResult<R> {
  readonly value: R;
  readonly report: CallReport;
  /** Wall time of the round trip, in ms. */
  readonly durationMs: number;
}

/**
 * Why the core's autograd is off in a hand-derived exercise's function, the end of the error a
 * graph or `.backward()` there throws: "backward: rnn/rnn-step-backward asks for ...".
 */
export function handDerivedReason(exercises: readonly string[], fn: string | undefined): string {
  const asks = exercises.length === 1 ? 'asks' : 'ask';
  return (
    `${exercises.join(' and ')} ${asks} for gradients derived by hand, so the core's autograd is ` +
    `switched off while ${fn ?? 'its code'} runs: compute them from the chapter's equations ` +
    "(chapter 0, 'Hand-derived means hand-derived')"
  );
}

/** The reason given when a call runs with the core's autograd switched off. */
export const HAND_DERIVED =
  "this exercise asks for a hand-derived backward; the core's autograd is switched off here";

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STARTUP_MS = 30_000;
const DEFAULT_MEMORY_MB = 2048;
/**
 * Address space beyond the heap limit and what a bare Node holds at start (see `start`): the
 * heap's own reservations, stacks and typed arrays.
 */
const ADDRESS_SPACE_MARGIN_MB = 1024;

/**
 * The one variable of the grader's environment the sandbox gets: StrykerJS names the active
 * mutant in it (`npm run mutation`), and the instrumented solutions, which run here, read it.
 * Without it every mutant would run as the unmutated code and survive.
 */
const PASSED_THROUGH = ['__STRYKER_ACTIVE_MUTANT__'] as const;

/** What the sandbox's environment carries over from this process's. */
function passedThrough(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
/**
 * Node's switch from trap-handler-based WebAssembly bounds checks to explicit ones (Node 20.15,
 * 22.2 and later), or undefined on a Node without it (there the address space is not limited).
 */
const WASM_BOUNDS_CHECKS = process.allowedNodeEnvironmentFlags.has('--disable-wasm-trap-handler')
  ? '--disable-wasm-trap-handler'
  : undefined;
/** What a bare Node holds at start (MB), measured once per process; see `nodeBaselineMb`. */
let baselineMb: number | undefined;

/**
 * The address space a bare Node of this version holds at start with the sandbox's bounds-check
 * flag (VmSize, in MB), measured once: about 0.73 GB for Node 20 and 22, 1.2 GB for Node 24. A
 * fixed margin above the heap limit left Node 24 half a gigabyte less room than Node 20, and its
 * sandboxes ran out of address space on small honest calls ("ran out of memory").
 */
function nodeBaselineMb(flag: string): number {
  if (baselineMb === undefined) {
    const probe = spawnSync(
      process.execPath,
      [
        flag,
        '-e',
        "process.stdout.write(/VmSize:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '')",
      ],
      { encoding: 'utf8', timeout: 60_000, env: {} },
    );
    const kb = Number(probe.stdout);
    baselineMb = Number.isFinite(kb) && kb > 0 ? Math.ceil(kb / 1024) : 1536;
  }
  return baselineMb;
}

/** Argument sets per message of a batch: bounds the size of one message. */
const BATCH_CHUNK = 256;

/**
 * The permission flag of this Node: `--permission` from 22.13 and 23.5 on, where the model is
 * stable, `--experimental-permission` before (20.x, 21.x, early 22.x).
 */
export function permissionFlag(version: string = process.versions.node): string {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const stable = major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13);
  return stable ? '--permission' : '--experimental-permission';
}

interface Pending {
  readonly id: number;
  readonly file: string;
  /** What runs, for messages: `rnnStepForward` or `the import of exercises/rnn/x.ts`. */
  readonly what: string;
  readonly timeoutMs: number;
  phase: 'import' | 'call';
  /** The learner returned a promise and the sandbox is waiting for it. */
  awaiting: boolean;
  /** Set when the time limit struck: the rejection, delivered once the process has exited. */
  failure?: Error;
  timer?: NodeJS.Timeout;
  readonly settle: (reply: Reply | Error) => void;
}

/** One sandbox process. */
interface Proc {
  readonly child: ChildProcess;
  readonly generation: number;
  readonly home: string;
  readonly ready: Promise<void>;
  readonly pending: Map<number, Pending>;
  /** The last few KB the process printed: a crash's explanation is there. */
  output: string;
  uncaught?: EncodedError;
  /** Why it was stopped on purpose. */
  stopped?: string;
  alive: boolean;
}

/** A sandbox for one chapter's bundle: start it, call into it, close it. */
export class Sandbox {
  readonly bundle: ChapterBundle;
  private readonly options: Required<Omit<SandboxOptions, 'onOutput'>> &
    Pick<SandboxOptions, 'onOutput'>;
  private readonly mapper: StackMapper;
  private proc: Proc | undefined;
  private generation = 0;
  private nextId = 1;
  /** Objects the sandbox holds for us: which handle and which process generation. */
  private readonly handles = new WeakMap<object, { h: number; generation: number }>();
  private readonly finalizer = new FinalizationRegistry<{ h: number; generation: number }>(
    (held) => {
      if (held.generation === this.generation) this.released.push(held.h);
    },
  );
  private released: number[] = [];
  private readonly codec: TrustedCodec;
  /** How many processes this sandbox has started. */
  starts = 0;
  /** How many messages (imports, calls, batches of up to 256 calls) it has been sent. */
  requests = 0;

  /** `bundle`: a chapter bundle, or its folder (holding bundle.json). */
  constructor(bundle: ChapterBundle | string, options: SandboxOptions = {}) {
    this.bundle = typeof bundle === 'string' ? readChapterBundle(bundle) : bundle;
    this.options = {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      startupMs: options.startupMs ?? DEFAULT_STARTUP_MS,
      memoryMb: options.memoryMb ?? DEFAULT_MEMORY_MB,
      onOutput: options.onOutput,
    };
    this.mapper = new StackMapper(this.bundle);
    this.codec = {
      core: { Tensor, Rng },
      handleOf: (value) => {
        const held = this.handles.get(value);
        if (held === undefined) return undefined;
        if (held.generation !== this.generation) {
          throw new TypeError(
            "this object came from the learner's code before the sandbox restarted (after a time-out or a crash); call the function that made it again",
          );
        }
        return held.h;
      },
      register: (value, h) => {
        const held = { h, generation: this.generation };
        this.handles.set(value, held);
        this.finalizer.register(value, held);
      },
      remoteFunction: (h, name) => {
        const file = this.currentFile;
        const what = `${name || 'a function'} (returned by your code)`;
        const fn = async (...args: unknown[]): Promise<unknown> =>
          (await this.request(file, what, args, this.policy(file, undefined, {}), { handle: h }))
            .value;
        Object.defineProperty(fn, 'name', { value: name });
        return fn;
      },
    };
  }

  /** The file of the call being decoded: functions it returns are called in its module. */
  private currentFile = '';

  /**
   * The options a call runs with: the caller's, and the core's autograd switched off for the
   * functions of a hand-derived exercise's file (`fn` undefined: a function the file's code
   * returned), with the reason the error will give.
   */
  private policy<O extends CallOptions>(file: string, fn: string | undefined, options: O): O {
    if (options.withoutAutograd !== undefined && options.withoutAutograd !== false) return options;
    const hand = this.bundle.handDerived?.[file];
    if (hand === undefined || (fn !== undefined && !hand.functions.includes(fn))) return options;
    return { ...options, withoutAutograd: handDerivedReason(hand.exercises, fn) };
  }

  /** The learner's module as the trusted side calls it: every export returns a promise. */
  module<M>(file: string, options: ModuleOptions = {}): Remote<M> {
    return remoteModule<M>(async () => this, file, options);
  }

  /** Imports the learner's file; rejects with the import's error (or a refusal). */
  async load(file: string): Promise<void> {
    await this.send(
      file,
      `the import of ${this.shown(file)}`,
      (id, module, release) => ({
        type: 'import',
        id,
        file,
        module,
        release,
      }),
      {},
    );
  }

  /** Calls `exportName` of the learner's `file` with `args`. */
  async call<R = unknown>(
    file: string,
    exportName: string,
    args: readonly unknown[],
    options: CallOptions = {},
  ): Promise<CallResult<R>> {
    return this.request<R>(file, exportName, args, this.policy(file, exportName, options), {
      exportName,
    });
  }

  /**
   * Calls `exportName` once per argument set, in one message per 256 sets; resolves to the
   * results in order (only the `pick` part of each). The time limit holds per item. No handles
   * are kept and no inputs are inspected: this is the fast path of finite differences.
   */
  async batch<R = unknown>(
    file: string,
    exportName: string,
    argSets: ReadonlyArray<readonly unknown[]>,
    options: BatchOptions = {},
  ): Promise<R[]> {
    options = this.policy(file, exportName, options);
    const out: R[] = [];
    for (let start = 0; start < argSets.length; start += BATCH_CHUNK) {
      const chunk = argSets.slice(start, start + BATCH_CHUNK);
      const encoded = chunk.map((args) => this.encode(args).encoded);
      const reply = await this.send(
        file,
        exportName,
        (id, module, release) => ({
          type: 'batch',
          id,
          file,
          module,
          release,
          exportName,
          argSets: encoded,
          pick: options.pick ?? [],
          ...autograd(options),
        }),
        options,
        start,
        argSets.length,
      );
      if (reply.type !== 'results') throw new Error(`unexpected reply ${reply.type}`);
      for (const v of reply.values) out.push(decodeValue(v, this.codec) as R);
    }
    return out;
  }

  /** Stops the process (if any). The sandbox starts a new one on the next call. */
  async close(): Promise<void> {
    const proc = this.proc;
    if (proc === undefined) return;
    idle(proc.child, false); // keep this process alive until the exit is seen
    this.stop(proc, 'the sandbox was closed');
    await new Promise<void>((done) => {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) done();
      else proc.child.once('exit', () => done());
    });
  }

  /** Kills the process at once, without waiting (for `process.on('exit')`). */
  kill(): void {
    if (this.proc !== undefined) this.stop(this.proc, 'the sandbox was closed');
  }

  /** True when `value` stands for an object the learner's code returned (a cache, say). */
  holds(value: object): boolean {
    return this.handles.has(value);
  }

  /** The process id of the running sandbox, if one runs (for tests). */
  get pid(): number | undefined {
    return this.proc?.alive === true ? this.proc.child.pid : undefined;
  }

  private async request<R>(
    file: string,
    what: string,
    args: readonly unknown[],
    options: CallOptions,
    target: { exportName: string } | { handle: number },
  ): Promise<CallResult<R>> {
    const started = performance.now();
    const { encoded, rngs } = this.encode(args);
    const reply = await this.send(
      file,
      what,
      (id, module, release) => ({
        type: 'call',
        id,
        file,
        module,
        release,
        target,
        args: encoded,
        ...autograd(options),
      }),
      options,
    );
    if (reply.type !== 'result') throw new Error(`unexpected reply ${reply.type}`);
    for (const r of reply.rngs) {
      const rng = rngs[r.slot];
      if (rng !== undefined) restoreRng(rng, r.fields);
    }
    this.currentFile = file;
    let value: unknown;
    try {
      value = decodeValue(reply.value, this.codec, `what ${what} returned`);
    } catch (error) {
      throw new LearnerError(
        { name: 'TypeError', message: (error as Error).message, stack: '' },
        this.mapper,
      );
    }
    return { value: value as R, report: reply.report, durationMs: performance.now() - started };
  }

  private encode(args: readonly unknown[]): { encoded: Encoded[]; rngs: object[] } {
    return encodeArgs(args, this.codec);
  }

  private shown(file: string): string {
    return displayPath(join(this.bundle.sourceDir, file));
  }

  /** Sends one request and waits for its final reply; errors come back as rejections. */
  private async send(
    file: string,
    what: string,
    make: (id: number, module: string, release: number[]) => Request,
    options: CallOptions,
    batchStart = 0,
    batchTotal = 0,
  ): Promise<Reply> {
    const bundled = this.bundle.files[file];
    if (bundled === undefined) {
      throw new BundleError(
        `${this.shown(file)} is not part of this sandbox's bundle (missing from the target?)`,
      );
    }
    if (bundled.status === 'refused') throw new ImportRefusedError(bundled.violations);
    if (bundled.status === 'failed') throw new BundleError(bundled.message);
    const proc = await this.running();
    this.requests++;
    const id = this.nextId++;
    const release = this.released;
    this.released = [];
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const reply = await new Promise<Reply | Error>((settle) => {
      const pending: Pending = {
        id,
        file,
        what,
        timeoutMs,
        phase: 'import',
        awaiting: false,
        settle,
      };
      proc.pending.set(id, pending);
      this.arm(proc, pending);
      proc.child.send(make(id, bundled.module, release), (error) => {
        if (error !== null && error !== undefined) this.finish(proc, id, error);
      });
    });
    if (reply instanceof Error) throw reply;
    if (reply.type === 'error') {
      const error = new LearnerError(reply.error, this.mapper);
      if (reply.index !== undefined) {
        error.message = `argument set ${batchStart + reply.index + 1} of ${batchTotal}: ${error.message}`;
      }
      if (reply.phase === 'import' && !(error.name === 'NotImplementedError')) {
        error.message = `${this.shown(file)} failed to import: ${error.message}`;
      }
      throw error;
    }
    return reply;
  }

  /** (Re)starts the time limit of a pending request. */
  private arm(proc: Proc, pending: Pending): void {
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    pending.timer = setTimeout(() => {
      const seconds = `${pending.timeoutMs / 1000}s`;
      const message =
        pending.phase === 'import'
          ? `the import of ${this.shown(pending.file)} never finished within ${seconds} (an endless loop at its top level, or a top-level await that never settles?)`
          : pending.awaiting
            ? `timed out after ${seconds}: a promise that never settles?`
            : `timed out after ${seconds}: the code never returned (an endless loop?)`;
      // rejected when the process has gone (see the exit handler), never while it still runs
      pending.failure = new SandboxTimeoutError(message);
      this.stop(proc, `another call timed out (${pending.what})`);
    }, pending.timeoutMs);
    pending.timer.unref?.();
  }

  private finish(proc: Proc, id: number, reply: Reply | Error): void {
    const pending = proc.pending.get(id);
    if (pending === undefined) return;
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    proc.pending.delete(id);
    if (proc.pending.size === 0 && proc.alive) idle(proc.child, true);
    pending.settle(reply);
  }

  /** The running process, started if need be. */
  private async running(): Promise<Proc> {
    if (this.proc === undefined || !this.proc.alive) this.proc = this.start();
    const proc = this.proc;
    await proc.ready;
    idle(proc.child, false);
    return proc;
  }

  private start(): Proc {
    this.generation++;
    this.starts++;
    this.released = [];
    const dir = this.bundle.dir;
    const home = mkdtempSync(join(tmpdir(), 'course-sandbox-home-'));
    const limitAddressSpace = process.platform === 'linux' && WASM_BOUNDS_CHECKS !== undefined;
    const args = [
      ...(limitAddressSpace ? [WASM_BOUNDS_CHECKS] : []),
      permissionFlag(),
      `--allow-fs-read=${dir}`,
      '--disallow-code-generation-from-strings',
      `--max-old-space-size=${this.options.memoryMb}`,
      '--no-warnings',
      '--stack-trace-limit=50',
      join(dir, 'host.mjs'),
      ...this.bundle.packages.filter((p) => p !== 'core'),
    ];
    // On Linux a shell sets the process's address-space limit and then becomes node (exec, so
    // one process): memory outside the JavaScript heap (typed arrays) is bounded too, and a
    // learner's allocation fails with a RangeError instead of exhausting the machine. The core's
    // WebAssembly kernel then needs explicit bounds checks: with V8's trap handler each Wasm
    // memory reserves about 10 GB of address space, which the limit refuses.
    const limitKb = limitAddressSpace
      ? (this.options.memoryMb + nodeBaselineMb(WASM_BOUNDS_CHECKS) + ADDRESS_SPACE_MARGIN_MB) *
        1024
      : 0;
    const [command, argv] = limitAddressSpace
      ? ['/bin/sh', ['-c', `ulimit -v ${limitKb} && exec "$0" "$@"`, process.execPath, ...args]]
      : [process.execPath, args];
    const child = spawn(command, argv, {
      cwd: dir,
      // nothing of the grader's environment but the active mutant: no COURSE_* variables, a
      // HOME of its own
      env: { HOME: home, TMPDIR: home, LANG: 'C.UTF-8', ...passedThrough() },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let markReady: () => void = () => {};
    let failStart: (e: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    ready.catch(() => {}); // observed by running(); a crash before that is reported there
    const proc: Proc = {
      child,
      generation: this.generation,
      home,
      ready,
      pending: new Map(),
      output: '',
      alive: true,
    };
    const startTimer = setTimeout(() => {
      this.stop(proc, 'it did not start in time');
      failStart(
        new SandboxCrashError(
          `the sandbox process did not start within ${this.options.startupMs / 1000}s${tail(proc.output)}`,
        ),
      );
    }, this.options.startupMs);
    const keep = (chunk: Buffer): void => {
      const text = chunk.toString();
      proc.output = (proc.output + text).slice(-8000);
      this.options.onOutput?.(text);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (reply: Reply) => {
      if (reply.type === 'ready') {
        clearTimeout(startTimer);
        markReady();
        return;
      }
      if (reply.type === 'uncaught') {
        proc.uncaught = reply.error;
        return;
      }
      const pending = proc.pending.get(reply.id);
      if (pending === undefined) return;
      if (reply.type === 'imported') {
        pending.phase = 'call';
        this.arm(proc, pending);
      } else if (reply.type === 'pending') {
        pending.awaiting = true;
      } else if (reply.type === 'progress') {
        this.arm(proc, pending);
      } else {
        this.finish(proc, reply.id, reply);
      }
    });
    child.on('error', (error) => {
      clearTimeout(startTimer);
      failStart(new SandboxCrashError(`the sandbox process could not start: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(startTimer);
      proc.alive = false;
      rmSync(home, { recursive: true, force: true });
      const why = this.crashText(proc, code, signal);
      failStart(
        new SandboxCrashError(
          `the sandbox process stopped before it was ready: ${why}${tail(proc.output)}`,
        ),
      );
      for (const pending of [...proc.pending.values()]) {
        const during =
          pending.phase === 'import' ? `the import of ${this.shown(pending.file)}` : pending.what;
        const failure =
          pending.failure ?? new SandboxCrashError(`the sandbox process ${why} during ${during}`);
        this.finish(proc, pending.id, failure);
      }
    });
    return proc;
  }

  /** Kills the process; its pending calls are rejected by the exit handler. */
  private stop(proc: Proc, why: string): void {
    if (!proc.alive) return;
    proc.stopped = why;
    proc.alive = false;
    if (this.proc === proc) this.proc = undefined;
    // the permission model denies child processes, so the process is the whole tree
    proc.child.kill('SIGKILL');
  }

  private crashText(proc: Proc, code: number | null, signal: NodeJS.Signals | null): string {
    if (proc.stopped !== undefined) return `was stopped because ${proc.stopped}`;
    if (/heap out of memory|Reached heap limit|Allocation failed/i.test(proc.output)) {
      return `ran out of memory (its heap limit is ${this.options.memoryMb} MB)`;
    }
    if (proc.uncaught !== undefined) {
      const error = new LearnerError(proc.uncaught, this.mapper);
      const at = error.location === undefined ? '' : ` (at ${error.location})`;
      return `stopped on an uncaught ${error.name}: ${error.message}${at}`;
    }
    if (signal !== null) return `was killed by ${signal}`;
    return `exited with code ${code ?? '?'} (was process.exit called?)`;
  }
}

function autograd(options: CallOptions): { withoutAutograd?: string } {
  const off = options.withoutAutograd;
  if (off === undefined || off === false) return {};
  return { withoutAutograd: off === true ? HAND_DERIVED : off };
}

/** An idle sandbox does not keep the trusted process alive; a busy one does. */
function idle(child: ChildProcess, yes: boolean): void {
  type Refable = { ref?: () => void; unref?: () => void } | null | undefined;
  const handles = [child.channel, child.stdout, child.stderr] as Refable[];
  if (yes) {
    child.unref();
    for (const h of handles) h?.unref?.();
  } else {
    child.ref();
    for (const h of handles) h?.ref?.();
  }
}

function tail(output: string): string {
  const last = output.trim().split('\n').slice(-5).join('\n');
  return last === '' ? '' : `\n${last}`;
}
