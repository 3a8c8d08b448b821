/**
 * The Markdown files the labs write next to their figures: a title, a sentence on what was
 * measured, the command that reproduces it, and the table. Prose is wrapped at 100 columns,
 * as the course's Markdown is (markdownlint checks every file).
 */

/** Greedy word wrap at `width` columns. */
export function wrap(text: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

/** A lab's table as a Markdown document. */
export function markdownReport(
  title: string,
  description: string,
  command: string,
  table: string,
): string {
  return `# ${title}\n\n${wrap(`${description} Produced by:`)}\n\n\`\`\`bash\n${command}\n\`\`\`\n\n${table.trimEnd()}\n`;
}
