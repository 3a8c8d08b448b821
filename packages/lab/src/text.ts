/**
 * Text helpers for the labs' written outputs (samples, tables in Markdown files).
 */

/**
 * Breaks a text into lines of at most `width` characters, at spaces where possible (a word
 * longer than the width is cut). Newlines in the text become spaces.
 *
 * @returns the lines, without trailing spaces
 */
export function wrapText(text: string, width: number): string[] {
  if (!Number.isInteger(width) || width < 1) {
    throw new RangeError(`wrapText: width must be an integer >= 1, received ${width}`);
  }
  const lines: string[] = [];
  let rest = text.replace(/\n/g, ' ');
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= 0) cut = width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}
