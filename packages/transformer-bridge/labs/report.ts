/**
 * The Markdown files the labs write next to their figures: a title, a sentence on what was
 * measured, the command that reproduces it, and the table. Prose is wrapped at 100 columns,
 * as the course's Markdown is (markdownlint checks every file).
 */

import { wrapText } from '@rnn-course/lab';

/** A lab's table as a Markdown document. */
export function markdownReport(
  title: string,
  description: string,
  command: string,
  table: string,
): string {
  return `# ${title}\n\n${wrapText(`${description} Produced by:`).join('\n')}\n\n\`\`\`bash\n${command}\n\`\`\`\n\n${table.trimEnd()}\n`;
}
