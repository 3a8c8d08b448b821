/** Issue row 5: a template-literal import, which the bundler expands to every file it matches. */
export async function embeddingForward(name: string): Promise<unknown> {
  return import(`../../../../../../rnn/src/${name}.ts`);
}
