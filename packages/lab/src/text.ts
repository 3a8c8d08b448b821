/**
 * Plain-text helpers for the Markdown files labs write next to their figures (samples, tables
 * of results): the course's Markdown is wrapped at 100 columns, and markdownlint checks it.
 */

/**
 * Breaks a text into lines of at most `width` characters, at spaces. A word longer than the
 * width gets a line of its own, whole (cutting it would break a command or a link in Markdown;
 * markdownlint allows such a line). Newlines in the text count as spaces.
 *
 * @returns the lines, without trailing spaces
 * @throws RangeError when `width` is not an integer >= 1
 */
export function wrapText(text: string, width = 100): string[] {
  if (!Number.isInteger(width) || width < 1) {
    throw new RangeError(`wrapText: width must be an integer >= 1, received ${width}`);
  }
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
