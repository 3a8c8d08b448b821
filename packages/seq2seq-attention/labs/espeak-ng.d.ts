/**
 * The part of the `espeak-ng` package (eSpeak NG compiled by Emscripten) the speech lab uses:
 * the module factory runs the command line given as `arguments` and exposes the in-memory file
 * system it wrote to.
 */
declare module 'espeak-ng' {
  const create: (options: Record<string, unknown>) => Promise<{
    FS: { readFile(path: string): Uint8Array };
  }>;
  export default create;
}
