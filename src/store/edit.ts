/**
 * Comment-preserving edits. Every change is a text splice at positions taken
 * from the parsed document's source ranges, so comments, blank lines, key
 * order, quoting and unknown keys outside the touched value stay byte for byte.
 * Each splice is checked: the edited text is parsed again and must equal the
 * intended data; if it does not, the edit is refused rather than guessed.
 */
import type { Document, Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { yaml } from './yaml.js';
import { EXIT, MedsError } from '../errors.js';
import type { Loaded } from './load.js';
import { blockMap, flow } from './emit.js';

type Path = (string | number)[];
type Obj = Record<string, unknown>;

function lineStart(text: string, i: number): number {
  return text.lastIndexOf('\n', i - 1) + 1;
}
/** Offset just after the newline ending the line that contains offset i (or the text's end). */
function lineEndIncl(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl === -1 ? text.length : nl + 1;
}
function splice(text: string, at: number, del: number, ins: string): string {
  return text.slice(0, at) + ins + text.slice(at + del);
}
/**
 * Offset just after the line on which a node's content ends. A block
 * collection's range already ends after its last newline; a scalar's or flow
 * collection's ends mid-line.
 */
function afterNode(text: string, end: number): number {
  return end > 0 && text[end - 1] === '\n' ? end : lineEndIncl(text, end);
}
/**
 * Insert whole lines at a line boundary. At the end of a text without a final
 * newline, the text keeps that style (so removing the lines again restores it).
 */
function insertLines(text: string, at: number, lines: string): string {
  if (at > 0 && text[at - 1] !== '\n') return splice(text, at, 0, '\n' + lines.replace(/\n$/, ''));
  return splice(text, at, 0, lines);
}
/** The column of the first item's dash in a block list. */
function dashIndent(text: string, seq: Node): string {
  const ls = lineStart(text, seq.range![0]);
  return ' '.repeat(text.slice(ls).search(/\S/));
}

function nodeAt(doc: Document.Parsed, path: Path): { node?: Node; pair?: Pair } {
  let node: unknown = doc.contents;
  let pair: Pair | undefined;
  for (const seg of path) {
    if (yaml().isMap(node)) {
      pair = (node as YAMLMap).items.find((p) => yaml().isScalar(p.key) && p.key.value === seg) as Pair | undefined;
      if (!pair) return {};
      node = pair.value;
    } else if (yaml().isSeq(node) && typeof seg === 'number') {
      pair = undefined;
      node = (node as YAMLSeq).items[seg];
      if (node === undefined) return {};
    } else return {};
  }
  return { node: (node ?? undefined) as Node | undefined, pair };
}

const indentAt = (text: string, i: number) => ' '.repeat(i - lineStart(text, i));

/** The head of the file (without the fast-path log block) as text that the document's ranges index. */
function headOf(l: Loaded): { head: string; rest: string } {
  if (!l.logBlock) return { head: l.text, rest: '' };
  const tail = l.text.slice(l.logBlock.end);
  if (/\S/.test(tail)) throw refuse('the log is not the last key of the file');
  return { head: l.text.slice(0, l.logBlock.keyStart), rest: l.text.slice(l.logBlock.keyStart) };
}

function refuse(why: string): MedsError {
  return new MedsError('edit-refused', `meds cannot make this change without risking the file's layout (${why})`, {
    exitCode: EXIT.cantWrite,
    hint: 'make the change by hand in an editor, then run `meds check`',
  });
}

function parseHead(head: string): Document.Parsed {
  return yaml().parseDocument(head, { uniqueKeys: true, strict: true, keepSourceTokens: false, logLevel: 'error' });
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function setJs(obj: unknown, path: Path, value: unknown): void {
  let o = obj as Obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    if (o[k] === undefined || o[k] === null) o[k] = typeof path[i + 1] === 'number' ? [] : {};
    o = o[k] as Obj;
  }
  o[path[path.length - 1]!] = value;
}
function getJs(obj: unknown, path: Path): unknown {
  let o = obj;
  for (const k of path) o = o == null ? undefined : (o as Obj)[k];
  return o;
}

/** Set a value; creates missing parent maps. Text splice on the head. */
function setText(head: string, doc: Document.Parsed, path: Path, value: unknown): string {
  const { node } = nodeAt(doc, path);
  if (node && node.range) {
    const [s, e] = node.range;
    if (yaml().isScalar(node) || (node as YAMLMap).flow) return splice(head, s, e - s, flow(value));
    // A block collection: replace its lines with new block lines at the same indentation.
    const ind = indentAt(head, s);
    const from = lineStart(head, s);
    const to = afterNode(head, e);
    return splice(head, from, to - from, blockLines(value, ind));
  }
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1]!;
  const parent = parentPath.length ? nodeAt(doc, parentPath).node : (doc.contents as Node | null);
  if (!parent) {
    if (!parentPath.length) throw refuse('the file has no top-level map');
    return setText(head, doc, parentPath, typeof key === 'number' ? [value] : { [key]: value });
  }
  if (!yaml().isMap(parent) || !parent.range) throw refuse(`${parentPath.join('.')} is not a map`);
  if (parent.flow) {
    const close = head.lastIndexOf('}', parent.range[1]);
    let at = close;
    while (head[at - 1] === ' ') at--;
    const sep = parent.items.length ? ', ' : ' ';
    return splice(head, at, 0, `${sep}${key}: ${flow(value)}${parent.items.length ? '' : ' '}`);
  }
  const last = parent.items[parent.items.length - 1] as Pair<Node, Node> | undefined;
  if (!last) throw refuse(`${parentPath.join('.')} is empty`);
  const ind = indentAt(head, (parent.items[0] as Pair<Node>).key!.range![0]);
  const endOfLast = (last.value as Node | null)?.range?.[1] ?? last.key!.range![1];
  const at = afterNode(head, endOfLast);
  const lines = isPlainObj(value) || (Array.isArray(value) && value.length > 1 && value.every(isPlainObj))
    ? `${ind}${key}:\n${blockLines(value, ind + '  ')}`
    : `${ind}${key}: ${flow(value)}\n`;
  return insertLines(head, at, lines);
}

const isPlainObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** A value as block lines at an indentation: a map as `key: value` lines, a list of maps as `- { .. }` lines. */
function blockLines(value: unknown, ind: string): string {
  if (Array.isArray(value)) return value.map((v) => `${ind}- ${flow(v)}\n`).join('');
  if (isPlainObj(value)) return blockMap(value, ind);
  return `${ind}${flow(value)}\n`;
}

/** Append an item to a list (creating it when missing). `block` renders a map item as block lines. */
function appendText(head: string, doc: Document.Parsed, path: Path, item: unknown, block: boolean): string {
  const { node } = nodeAt(doc, path);
  if (!node || (yaml().isScalar(node) && node.value === null)) {
    if (path.length === 1 && block && isPlainObj(item)) {
      // A top-level list of maps, such as medications: write it as a block list.
      const key = path[0]!;
      const itemText = blockMap(item, '  ', '- ');
      if (node && yaml().isScalar(node)) {
        const at = afterNode(head, node.range![1]);
        return insertLines(head, at, itemText);
      }
      return insertLines(head, head.length, `${key}:\n${itemText}`);
    }
    return setText(head, doc, path, [item]);
  }
  if (!yaml().isSeq(node) || !node.range) throw refuse(`${path.join('.')} is not a list`);
  if (node.flow) {
    if (node.items.length === 0 && path.length === 1 && block) {
      // `medications: []`: turn it into a block list.
      // (the space before `[]` goes too: `medications: []` becomes `medications:`)
      const [e0, e] = node.range;
      const s = head[e0 - 1] === ' ' ? e0 - 1 : e0;
      const at = lineEndIncl(head, e);
      const cleared = splice(head, s, e - s, '');
      return insertLines(cleared, at - (e - s), isPlainObj(item) ? blockMap(item, '  ', '- ') : `  - ${flow(item)}\n`);
    }
    const close = head.lastIndexOf(']', node.range[1]);
    let at = close;
    while (head[at - 1] === ' ') at--;
    return splice(head, at, 0, node.items.length ? `, ${flow(item)}` : flow(item));
  }
  const first = node.items[0] as Node | undefined;
  const last = node.items[node.items.length - 1] as Node | undefined;
  if (!first?.range || !last?.range) throw refuse(`${path.join('.')} is an empty block list`);
  const ind = dashIndent(head, node);
  const at = afterNode(head, last.range[1]);
  const text = block && isPlainObj(item) ? blockMap(item, ind, '- ') : `${ind}- ${flow(item)}\n`;
  return insertLines(head, at, text);
}

/** Turn a single-map value into a one-item list of that map (schedule → phases), keeping its text. */
function wrapText(head: string, doc: Document.Parsed, path: Path): string {
  const { node, pair } = nodeAt(doc, path);
  if (!node?.range || !pair?.key) throw refuse(`${path.join('.')} is missing`);
  const keyNode = pair.key as Node;
  const keyInd = indentAt(head, keyNode.range![0]);
  const [s, e] = node.range;
  if ((node as YAMLMap).flow) {
    const mapText = head.slice(s, e);
    // `schedule: { .. }  # c`  →  `schedule:\n  - { .. }  # c`
    const colon = head.lastIndexOf(':', s);
    return head.slice(0, colon + 1) + `\n${keyInd}  - ${mapText}` + head.slice(e);
  }
  const from = lineStart(head, s);
  const to = afterNode(head, e);
  const col = s - from;
  const lines = head.slice(from, to).split('\n');
  const out = lines.map((ln, i) => {
    if (i === lines.length - 1 && ln === '') return ln;
    const body = ln.slice(Math.min(col, ln.search(/\S|$/)));
    return ' '.repeat(col) + (i === 0 ? '- ' : '  ') + body;
  });
  return head.slice(0, from) + out.join('\n') + head.slice(to);
}

export type HeadOp =
  | { op: 'set'; path: Path; value: unknown }
  | { op: 'append'; path: Path; item: unknown; block?: boolean }
  | { op: 'wrap'; path: Path };

function applyJs(obj: unknown, o: HeadOp): void {
  if (o.op === 'set') setJs(obj, o.path, o.value);
  else if (o.op === 'append') {
    const list = getJs(obj, o.path);
    if (Array.isArray(list)) list.push(o.item);
    else setJs(obj, o.path, [o.item]);
  } else setJs(obj, o.path, [getJs(obj, o.path)]);
}

/**
 * Apply structural edits to everything but the log, one splice at a time,
 * each checked by parsing the result again. Returns the whole new file text.
 */
export function editHead(l: Loaded, ops: HeadOp[]): string {
  let { head, rest } = headOf(l);
  let doc = l.logBlock ? parseHead(head) : l.doc;
  for (const o of ops) {
    const expected = doc.toJS();
    applyJs(expected, o);
    const next = o.op === 'set' ? setText(head, doc, o.path, o.value) : o.op === 'append' ? appendText(head, doc, o.path, o.item, !!o.block) : wrapText(head, doc, o.path);
    const nextDoc = parseHead(next);
    if (nextDoc.errors.length || !deepEqual(nextDoc.toJS(), expected)) throw refuse(`the edit of ${o.path.join('.')} did not read back as intended`);
    head = next;
    doc = nextDoc;
  }
  if (rest && !head.endsWith('\n')) head += '\n';
  return keepLineEnds(l, head + rest);
}

/**
 * The new text with the original's line ends: the lines meds writes end in "\n", and in a file
 * whose every line ends in "\r\n" (written on Windows) they get "\r\n" too, so the file does not
 * end up with mixed line ends. A file with any bare "\n" is left as it is. The fast path reads a
 * CRLF file (or one with a byte-order mark) as its text without them (Loaded.outer): they are put back.
 */
function keepLineEnds(l: Loaded, text: string): string {
  if (l.outer) {
    const t = l.outer.crlf ? text.replace(/\r?\n/g, '\r\n') : text;
    return l.outer.bom ? `\ufeff${t}` : t;
  }
  const original = l.text;
  if (l.logBlock || !original.includes('\r\n') || /(?<!\r)\n/.test(original)) return text;
  return text.replace(/\r?\n/g, '\r\n');
}

/** The canonical one-line form of a log entry; keys in the order the fast path expects. */
export function entryLine(indent: string, e: { at: string; med: string; for?: string; status: string; reason?: string; dose?: number; extra?: boolean }): string {
  return `${indent}- ${flow({ at: e.at, med: e.med, for: e.for, status: e.status, reason: e.reason, dose: e.dose, extra: e.extra ? true : undefined })}\n`;
}

/** Append one log entry as one line: a splice at the end of the log, never a re-serialization. */
export function appendLogEntry(l: Loaded, e: Parameters<typeof entryLine>[1]): string {
  return keepLineEnds(l, appendEntryText(l, e));
}

function appendEntryText(l: Loaded, e: Parameters<typeof entryLine>[1]): string {
  const text = l.text;
  const b = l.logBlock;
  if (b) return insertLines(text, b.lastEntryEnd, entryLine(b.indent, e));
  const { node, pair } = nodeAt(l.doc, ['log']);
  if (!pair) return insertLines(text, text.length, `log:\n${entryLine('  ', e)}`);
  if (node && yaml().isSeq(node) && !node.flow && node.items.length) {
    const last = node.items[node.items.length - 1] as Node;
    return insertLines(text, afterNode(text, last.range![1]), entryLine(dashIndent(text, node), e));
  }
  if (!node || (yaml().isScalar(node) && node.value === null) || (yaml().isSeq(node) && node.flow && node.items.length === 0)) {
    // `log:`, `log: ~` or `log: []`: clear the value and start a block list on the next line.
    const keyEnd = (pair.key as Node).range![1];
    let t = text;
    if (node?.range && node.range[1] > node.range[0]) {
      const s = t[node.range[0] - 1] === ' ' ? node.range[0] - 1 : node.range[0];
      t = splice(t, s, node.range[1] - s, '');
    }
    return insertLines(t, lineEndIncl(t, keyEnd), entryLine('  ', e));
  }
  throw refuse('the log is written as a flow list');
}

/**
 * The line appendLogEntry inserts, when that is a pure insertion of one whole line into a
 * fast-path log block (so checking that line alone is enough: Change.appendedLine).
 */
export function appendedLine(l: Loaded, e: Parameters<typeof entryLine>[1]): string | undefined {
  const b = l.logBlock;
  if (!b || (b.lastEntryEnd > 0 && l.text[b.lastEntryEnd - 1] !== '\n')) return undefined;
  return entryLine(b.indent, e);
}

/** Remove the last log entry's line(s). */
export function removeLastLogEntry(l: Loaded): string {
  const text = l.text;
  const b = l.logBlock;
  if (b) {
    if (b.count === 0) throw new MedsError('empty-log', 'the log is empty: nothing to undo', { exitCode: EXIT.usage });
    // Without a final newline, the newline before the line goes with it (the file keeps its style).
    const endsNl = text[b.lastEntryEnd - 1] === '\n';
    const start = Math.max(0, b.lastStart - (endsNl ? 0 : 1));
    return keepLineEnds(l, splice(text, start, b.lastEntryEnd - start, ''));
  }
  const { node } = nodeAt(l.doc, ['log']);
  if (!node || !yaml().isSeq(node) || node.items.length === 0) throw new MedsError('empty-log', 'the log is empty: nothing to undo', { exitCode: EXIT.usage });
  if (node.flow) throw refuse('the log is written as a flow list');
  const last = node.items[node.items.length - 1] as Node;
  const from = lineStart(text, last.range![0]);
  const to = afterNode(text, last.range![1]);
  return splice(text, from, to - from, '');
}
