/**
 * The top-level declarations of a TypeScript file and where each one is: what `reset` replaces
 * (one exercise's function, not the whole file), what `restore` puts back, and where the "edit"
 * pointer goes. Parsed with Babel's TypeScript parser, which recovers from most errors; a file
 * it cannot parse at all yields `undefined`, and callers say so instead of guessing.
 */
import { parse } from '@babel/parser';

/** One top-level declaration. Offsets index the source; lines are 1-based. */
export interface Declaration {
  /** Its name: `rnnStepForward`, `RnnStepCache`. */
  readonly name: string;
  readonly kind: 'function' | 'variable' | 'interface' | 'type' | 'class' | 'enum';
  readonly exported: boolean;
  /** Start of the declaration itself (`export function ...`). */
  readonly start: number;
  /** Start of its doc comment (the comment block right above it), else `start`. */
  readonly docStart: number;
  /** Just after its last character (the closing brace of a function). */
  readonly end: number;
  /** The line of `start`. */
  readonly line: number;
  /** The line of `end`. */
  readonly endLine: number;
  /** For a function: the offset of its body's opening brace. */
  readonly bodyStart?: number;
}

interface BabelNode {
  type: string;
  start: number;
  end: number;
  loc: { start: { line: number }; end: { line: number } };
  leadingComments?: ReadonlyArray<{ type: string; start: number; end: number }>;
  declaration?: BabelNode | null;
  id?: { name?: string } | null;
  declarations?: ReadonlyArray<{ id?: { name?: string } }>;
  body?: BabelNode | null;
}

const KINDS: Record<string, Declaration['kind']> = {
  FunctionDeclaration: 'function',
  TSDeclareFunction: 'function',
  VariableDeclaration: 'variable',
  TSInterfaceDeclaration: 'interface',
  TSTypeAliasDeclaration: 'type',
  ClassDeclaration: 'class',
  TSEnumDeclaration: 'enum',
};

/** Every top-level declaration of `source`, in order; undefined when it does not parse. */
export function declarationsOf(source: string): Declaration[] | undefined {
  let body: BabelNode[];
  try {
    const ast = parse(source, {
      sourceType: 'module',
      plugins: ['typescript'],
      errorRecovery: true,
    }) as unknown as { program: { body: BabelNode[] } };
    body = ast.program.body;
  } catch {
    return undefined;
  }
  const out: Declaration[] = [];
  for (const node of body) {
    const exported =
      node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration';
    const decl = exported ? node.declaration : node;
    if (decl === null || decl === undefined) continue;
    const kind = KINDS[decl.type];
    if (kind === undefined) continue;
    const names =
      kind === 'variable' ? (decl.declarations ?? []).map((d) => d.id?.name) : [decl.id?.name];
    const doc = [...(node.leadingComments ?? [])].reverse().find((c) => c.type === 'CommentBlock');
    for (const name of names) {
      if (name === undefined) continue;
      out.push({
        name,
        kind,
        exported,
        start: node.start,
        docStart:
          doc !== undefined && isOnlySpace(source, doc.end, node.start) ? doc.start : node.start,
        end: node.end,
        line: node.loc.start.line,
        endLine: node.loc.end.line,
        ...(kind === 'function' && decl.body ? { bodyStart: decl.body.start } : {}),
      });
    }
  }
  return out;
}

/** The top-level function `name` of `source`, or undefined (absent, or the file does not parse). */
export function findFunction(source: string, name: string): Declaration | undefined {
  return declarationsOf(source)?.find((d) => d.name === name && d.kind === 'function');
}

/** The source with the text from `docStart` to `end` of `decl` replaced by `text`. */
export function replaceDeclaration(source: string, decl: Declaration, text: string): string {
  return source.slice(0, decl.docStart) + text + source.slice(decl.end);
}

/** The text of `decl`, its doc comment included. */
export function declarationText(source: string, decl: Declaration): string {
  return source.slice(decl.docStart, decl.end);
}

function isOnlySpace(source: string, from: number, to: number): boolean {
  return /^\s*$/.test(source.slice(from, to));
}
