/**
 * TypeScript source as a sequence of normalised tokens, the input of the fingerprints. What a
 * copier changes cheaply is normalised away: every identifier becomes `ID` (keywords stay),
 * every number `NUM`, every string and template literal `STR`, every regular expression `RE`;
 * comments and whitespace disappear. What remains is the shape of the code: keywords,
 * operators and punctuation, in order, each with the line it came from.
 */

/** One token: its normalised text and the 1-based line it starts on. */
export interface Token {
  readonly text: string;
  readonly line: number;
}

const KEYWORDS = new Set([
  'abstract',
  'as',
  'async',
  'await',
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'declare',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'from',
  'function',
  'get',
  'if',
  'implements',
  'import',
  'in',
  'instanceof',
  'interface',
  'keyof',
  'let',
  'new',
  'null',
  'of',
  'private',
  'protected',
  'public',
  'readonly',
  'return',
  'set',
  'static',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'type',
  'typeof',
  'undefined',
  'var',
  'void',
  'while',
  'yield',
]);

/** Operators, longest first, so that the scanner takes `>>>=` before `>>`. */
const OPERATORS = [
  '>>>=',
  '...',
  '===',
  '!==',
  '**=',
  '<<=',
  '>>=',
  '>>>',
  '&&=',
  '||=',
  '??=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '**',
  '<<',
  '>>',
];

/** After these tokens a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set([
  '(',
  ',',
  '=',
  ':',
  '[',
  '!',
  '&',
  '|',
  '?',
  '{',
  '}',
  ';',
  '+',
  '-',
  '*',
  '%',
  '<',
  '>',
  '~',
  '^',
  'return',
  'typeof',
  'case',
  'do',
  'else',
  '=>',
  '&&',
  '||',
  '??',
  '==',
  '===',
  '!=',
  '!==',
]);

/**
 * The normalised tokens of a TypeScript (or JavaScript) source. Import declarations are left
 * out: every learner imports the same few core functions, which says nothing about copying.
 */
export function normalizedTokens(source: string): Token[] {
  return withoutImports(scan(source));
}

/** Drops `import ... from 'x';` and `import 'x';` (not `import(...)`, which is code). */
function withoutImports(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const previous = out[out.length - 1]?.text;
    const atStatement = previous === undefined || previous === ';' || previous === '}';
    if (t.text === 'import' && atStatement && tokens[i + 1]?.text !== '(') {
      while (i < tokens.length && tokens[i]?.text !== 'STR') i++;
      if (tokens[i + 1]?.text === ';') i++;
      continue;
    }
    out.push(t);
  }
  return out;
}

function scan(source: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  const n = source.length;
  const push = (text: string, at: number): void => {
    out.push({ text, line: at });
  };
  /** Skips a quoted string starting at i (the quote), counting newlines. */
  const skipString = (quote: string): void => {
    i++;
    while (i < n && source[i] !== quote) {
      if (source[i] === '\\') i++;
      else if (source[i] === '\n') line++;
      i++;
    }
    i++;
  };
  /** Skips a template literal starting at i (the backquote), with `${ ... }` nested. */
  const skipTemplate = (): void => {
    i++;
    while (i < n && source[i] !== '`') {
      if (source[i] === '\\') i++;
      else if (source[i] === '\n') line++;
      else if (source[i] === '$' && source[i + 1] === '{') {
        i += 2;
        let depth = 1;
        while (i < n && depth > 0) {
          const c = source[i];
          if (c === '{') depth++;
          else if (c === '}') depth--;
          else if (c === '\n') line++;
          else if (c === "'" || c === '"') {
            skipString(c);
            continue;
          } else if (c === '`') {
            skipTemplate();
            continue;
          }
          i++;
        }
        continue;
      }
      i++;
    }
    i++;
  };
  while (i < n) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
    } else if (c === '/' && next === '/') {
      while (i < n && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      for (; i < stop; i++) if (source[i] === '\n') line++;
    } else if (c === "'" || c === '"') {
      push('STR', line);
      skipString(c);
    } else if (c === '`') {
      push('STR', line);
      skipTemplate();
    } else if (/[0-9]/.test(c) || (c === '.' && next !== undefined && /[0-9]/.test(next))) {
      push('NUM', line);
      i++;
      while (i < n && /[\w.]/.test(source[i] as string)) {
        // exponents carry a sign: 1e-5
        if (/[eE]/.test(source[i] as string) && /[+-]/.test(source[i + 1] ?? '')) i++;
        i++;
      }
    } else if (/[A-Za-z_$]/.test(c) || c.charCodeAt(0) > 127) {
      const start = i;
      while (
        i < n &&
        (/[\w$]/.test(source[i] as string) || (source[i] as string).charCodeAt(0) > 127)
      )
        i++;
      const word = source.slice(start, i);
      push(KEYWORDS.has(word) ? word : 'ID', line);
    } else if (
      c === '/' &&
      (out.length === 0 || BEFORE_REGEX.has(out[out.length - 1]?.text ?? ''))
    ) {
      push('RE', line);
      i++;
      let inClass = false;
      while (i < n && source[i] !== '\n' && (source[i] !== '/' || inClass)) {
        if (source[i] === '\\') i++;
        else if (source[i] === '[') inClass = true;
        else if (source[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (i < n && /[a-z]/.test(source[i] as string)) i++; // flags
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      push(op ?? c, line);
      i += op?.length ?? 1;
    }
  }
  return out;
}
