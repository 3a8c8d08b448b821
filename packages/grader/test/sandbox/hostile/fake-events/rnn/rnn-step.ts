/**
 * Issue row 3: looks for the file named by the events variable, appends fake "passed" events to
 * it, and kills the parent process.
 */

/** The environment variables the learner's code can read. */
export function environment(): string[] {
  return Object.keys(process.env);
}

/** Appends a fake event with the file system module from `process.getBuiltinModule`. */
export function appendFakeEvents(): string {
  const fs = process.getBuiltinModule('fs');
  const file = process.env.COURSE_EVENTS ?? '/tmp/events.jsonl';
  fs.appendFileSync(file, '{"type":"test","state":"passed","points":5}\n');
  return file;
}

/** The same through a `require` the learner finds on the global object. */
export function appendWithRequire(): string {
  const req = (globalThis as unknown as { require: (id: string) => typeof import('node:fs') })
    .require;
  req('node:fs').appendFileSync('/tmp/events.jsonl', '{"type":"end"}\n');
  return 'appended';
}

/** Kills the process that started this one. */
export function killParent(): number {
  process.kill(process.ppid, 'SIGKILL');
  return process.ppid;
}

/** Posts a reply of its own on the IPC channel, as if the sandbox had answered. */
export function forgeReply(): string {
  const send = (process as unknown as { send?: (m: unknown) => void }).send;
  if (send === undefined) return 'no send';
  send({ type: 'result', id: 1, value: 'forged', report: { mutated: [], aliased: [] }, rngs: [] });
  return 'sent';
}
