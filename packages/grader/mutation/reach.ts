/**
 * Which files of a chapter's solutions a mutant changes: the file Stryker instrumented it into
 * (each mutant's code is guarded by `stryMutAct_<hash>("<id>")`), and every file of the folder that
 * imports that file, directly or not.
 */

/**
 * @param texts the instrumented files of one solutions folder, by file name (`rnn-step.ts`)
 * @param id    the active mutant's id, as Stryker names it in `__STRYKER_ACTIVE_MUTANT__`
 * @returns the file names the mutant reaches, or undefined when no file holds it
 */
export function filesReached(
  texts: ReadonlyMap<string, string>,
  id: string,
): Set<string> | undefined {
  const marker = new RegExp(`stryMutAct_\\w+\\("${id.replace(/\W/g, '')}"\\)`);
  const files = [...texts.keys()];
  const own = files.find((f) => marker.test(texts.get(f) ?? ''));
  if (own === undefined) return undefined;
  const out = new Set([own]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const f of files) {
      if (out.has(f)) continue;
      const imports = [...(texts.get(f) ?? '').matchAll(/from\s+['"]\.\/([\w-]+)(\.ts)?['"]/g)];
      if (imports.some((m) => out.has(`${m[1]}.ts`))) {
        out.add(f);
        grew = true;
      }
    }
  }
  return out;
}
