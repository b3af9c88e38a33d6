/**
 * Our own small YAML emitter for the values meds writes: one-line flow maps and
 * lists, scalars quoted whenever a YAML 1.1 or 1.2 reader could read them as
 * anything but the string we mean (times such as "08:30" are always quoted).
 */
const PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9 ._/()-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;
// Dates and date-times we write unquoted, as a YAML 1.2 reader keeps them strings.
const DATEISH = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?$/;

export function scalar(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null || v === undefined) return 'null';
  const s = String(v);
  if (DATEISH.test(s)) return s;
  if (PLAIN_SAFE.test(s) && !RESERVED.test(s) && !s.endsWith(' ') && !/ #|: /.test(s)) return s;
  return doubleQuoted(s);
}

/**
 * Characters a YAML double-quoted scalar may not hold raw, beyond the C0 controls JSON already
 * escapes: DEL and the C1 controls (outside YAML 1.2's printable set, section 5.1), NEL, LS and PS
 * (line breaks to YAML 1.1 readers such as PyYAML), the byte order mark (not allowed inside a
 * document) and the non-characters U+FFFE and U+FFFF (outside the printable set).
 */
// eslint-disable-next-line no-control-regex
const NOT_PRINTABLE = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** A YAML double-quoted scalar: a JSON string (valid YAML) with YAML's escapes for what JSON leaves raw. */
export function doubleQuoted(s: string): string {
  return JSON.stringify(s).replace(NOT_PRINTABLE, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

export function flow(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${v.map(flow).join(', ')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, x]) => `${scalar(k)}: ${flow(x)}`).join(', ')} }`;
  }
  return scalar(v);
}

/** A map as block lines at `indent`, nested values in flow style; the first line may take a prefix ("- "). */
export function blockMap(v: Record<string, unknown>, indent: string, firstPrefix = ''): string {
  const lines: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    const pre = lines.length === 0 ? indent + firstPrefix : indent + ' '.repeat(firstPrefix.length);
    if (Array.isArray(x) && x.length > 1 && x.every((i) => i && typeof i === 'object' && !Array.isArray(i))) {
      lines.push(`${pre}${scalar(k)}:`);
      for (const item of x) lines.push(`${indent}${' '.repeat(firstPrefix.length + 2)}- ${flow(item)}`);
    } else lines.push(`${pre}${scalar(k)}: ${flow(x)}`);
  }
  return lines.join('\n') + '\n';
}
