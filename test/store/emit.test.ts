/**
 * What meds writes into the file is YAML that any reader takes back as the same string: characters
 * outside YAML 1.2's printable set (DEL, C1 controls) and the line breaks of YAML 1.1 (NEL, LS, PS)
 * are written as escapes (issue 15 item 9: PyYAML refused a file with a raw DEL in a reason).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { doubleQuoted, flow, scalar } from '../../src/store/emit.js';

/** YAML 1.2 c-printable (section 5.1), less NEL, LS, PS and the byte order mark, which meds escapes too. */
// eslint-disable-next-line no-control-regex
const WRITTEN = /^[\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]*$/u;

/** Every code point up to U+2100 and from U+FE00 to U+FFFF (where the special ones are), one in 61 between, and a few beyond. */
const CODES = Array.from({ length: 0x10000 }, (_, c) => c).filter((c) => (c < 0xd800 || c > 0xdfff) && (c < 0x2100 || c >= 0xfe00 || c % 61 === 0));
const ALL = [...CODES, 0x1f600, 0x10fffd].map((c) => `a${String.fromCodePoint(c)}b`);

const PYYAML = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;

describe('scalars meds writes', () => {
  it('hold only printable characters, whatever the string', () => {
    for (const s of ALL) expect(scalar(s), JSON.stringify(s)).toMatch(WRITTEN);
  });

  it.each([
    ['DEL', 'a\x7fb', '"a\\x7fb"'],
    ['C1 CSI', 'a\x9b31mb', '"a\\x9b31mb"'],
    ['NEL', 'a\x85b', '"a\\x85b"'],
    ['LS', 'a\u2028b', '"a\\u2028b"'],
    ['PS', 'a\u2029b', '"a\\u2029b"'],
    ['BOM', '\ufeffa', '"\\ufeffa"'],
    ['ESC', 'a\x1b[31mb', '"a\\u001b[31mb"'],
  ])('%s is escaped', (_, s, want) => {
    expect(doubleQuoted(s)).toBe(want);
    expect(parse(`k: ${scalar(s)}`).k).toBe(s);
  });

  it('read back by a YAML 1.2 parser (yaml) as the same string, in a flow map too', () => {
    const map = parse(ALL.map((s, i) => `k${i}: ${scalar(s)}`).join('\n')) as Record<string, string>;
    const list = parse(ALL.map((s) => `- ${flow({ reason: s, med: 'm' })}`).join('\n')) as { reason: string }[];
    expect(ALL.filter((s, i) => map[`k${i}`] !== s || list[i]!.reason !== s)).toEqual([]);
  });

  it.skipIf(!PYYAML)('read back by a YAML 1.1 parser (PyYAML) as the same string', () => {
    const doc = ALL.map((s, i) => `k${i}: ${scalar(s)}`).join('\n') + '\n';
    const r = spawnSync('python3', ['-c', 'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin.read())))'], { input: doc, encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(r.status, r.stderr.slice(-500)).toBe(0);
    const back = JSON.parse(r.stdout) as Record<string, string>;
    const wrong = ALL.filter((s, i) => back[`k${i}`] !== s).map((s) => s.codePointAt(1)!.toString(16));
    expect(wrong).toEqual([]);
  });
});
