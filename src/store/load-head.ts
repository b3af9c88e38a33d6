/**
 * The head (the file without its log) as the yaml package reads it: for a file the subset reader
 * (fasthead.ts) does not take, for the places of problems, and for edits of the head.
 */
import type { Document, Node, LineCounter } from 'yaml';
import { yaml } from './yaml.js';
import type { Problem } from '../errors.js';
import type { Locate, Path } from '../model/validate.js';
import { invalid } from './load-bytes.js';
import type { Loaded } from './load-parse.js';

// logLevel 'error': yaml's own warnings (a collection as a key is stringified) would be printed as Node warnings.
export const PARSE_OPTS = { uniqueKeys: true, strict: true, prettyErrors: false, keepSourceTokens: false, logLevel: 'error' } as const;

export function parseDoc(text: string, path: string): { doc: Document.Parsed; lc: LineCounter } {
  const lc = new (yaml().LineCounter)();
  let doc: Document.Parsed;
  try {
    doc = yaml().parseDocument(text, { ...PARSE_OPTS, lineCounter: lc });
  } catch (err) {
    throw invalid(path, [{ severity: 'error', code: 'yaml', path: [], message: `the file cannot be read as YAML (${(err as Error).message})` }]);
  }
  const problems: Problem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const p = lc.linePos(e.pos[0]);
    problems.push({ severity: 'error', code: 'yaml', path: [], message: `YAML: ${e.message.split('\n')[0]}`, pos: { file: path, line: p.line, col: p.col } });
  }
  if (problems.length) throw invalid(path, problems);
  return { doc, lc };
}

export function toJS(doc: Document.Parsed, path: string, lc: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // (An alias bomb: point at the first alias.)
    let at = 0;
    yaml().visit(doc, { Alias: (_, node) => ((at = node.range?.[0] ?? 0), yaml().visit.BREAK) });
    const p = lc.linePos(at);
    throw invalid(path, [{ severity: 'error', code: 'yaml', path: [], message: `YAML: ${(err as Error).message}`, pos: { file: path, line: p.line, col: p.col } }]);
  }
}

/**
 * `loaded` with its `doc` and `lineCounter`: the yaml document of its head (read by the subset
 * reader), made only if a caller asks for it.
 */
export function withLazyDoc<T extends object>(loaded: T, head: string, path: string): T & Pick<Loaded, 'doc' | 'lineCounter'> {
  let lazy: { doc: Document.Parsed; lc: LineCounter } | undefined;
  return Object.defineProperties(loaded, {
    doc: { get: () => (lazy ??= parseDoc(head, path)).doc, enumerable: true },
    lineCounter: { get: () => (lazy ??= parseDoc(head, path)).lc, enumerable: true },
  }) as T & Pick<Loaded, 'doc' | 'lineCounter'>;
}

/** Map a key path to its position using the parsed document's source ranges. */
export function docLocator(doc: Document.Parsed, lc: LineCounter, file: string): Locate {
  return (path: Path, key?: boolean) => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (yaml().isMap(node)) {
        const pair = node.items.find((p) => yaml().isPair(p) && yaml().isScalar(p.key) && p.key.value === seg);
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
        if (i === path.length - 1 && key) node = keyNode;
      } else if (yaml().isSeq(node) && typeof seg === 'number') {
        if (!node.items[seg]) break;
        node = node.items[seg];
      } else break;
    }
    const range = (node as Node | null)?.range ?? keyNode?.range;
    if (!range) return { file, line: 1, col: 1 };
    const p = lc.linePos(range[0]);
    return { file, line: p.line, col: p.col };
  };
}

