/**
 * `meds check` output, written as each file's result comes (the run never holds every file's
 * findings): table (grouped by file), json (one document, streamed), ndjson (a line per file, then a
 * summary line), csv (a row per finding). docs/json.md describes the documents.
 */
import { CHECK_DISCLAIMER, SEVERITIES, type FileResult, type Finding, type Severity } from '../core/check/finding.js';
import type { Output } from './output.js';
import { writeOut } from './output.js';

export const CHECK_FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/**
 * `meds check` documents are versioned apart from the other commands' (docs/json.md). Version 1
 * was the single-file `{ file, valid, medications, logEntries, warnings }`; 2 is files + summary.
 */
export const CHECK_SCHEMA_VERSION = 2;

export interface CheckSummary {
  files: number;
  filesWithFindings: Record<Severity, number>;
  findingsBySeverity: Record<Severity, number>;
  findingsByCode: Record<string, number>;
  elapsedMs: number;
}

export function newSummary(): CheckSummary {
  return { files: 0, filesWithFindings: { error: 0, warning: 0, info: 0 }, findingsBySeverity: { error: 0, warning: 0, info: 0 }, findingsByCode: {}, elapsedMs: 0 };
}

export function addToSummary(s: CheckSummary, r: FileResult): void {
  s.files++;
  const seen = new Set<Severity>();
  for (const f of r.findings) {
    seen.add(f.severity);
    s.findingsBySeverity[f.severity]++;
    s.findingsByCode[f.code] = (s.findingsByCode[f.code] ?? 0) + 1;
  }
  for (const sev of seen) s.filesWithFindings[sev]++;
}

/** The summary with its codes in order (a stable document). */
function summaryJson(s: CheckSummary) {
  const byCode: Record<string, number> = {};
  for (const k of Object.keys(s.findingsByCode).sort()) byCode[k] = s.findingsByCode[k]!;
  return { ...s, findingsByCode: byCode };
}

export interface CheckSink {
  file(r: FileResult): void;
  end(s: CheckSummary): void;
}

export function checkSink(format: CheckFormat, out: Output): CheckSink {
  const w = (text: string) => writeOut(1, text);
  switch (format) {
    case 'json': {
      let first = true;
      w(`{\n  "schemaVersion": ${CHECK_SCHEMA_VERSION},\n  "files": [`);
      return {
        file: (r) => {
          w(`${first ? '' : ','}\n    ${JSON.stringify(r)}`);
          first = false;
        },
        end: (s) => w(`${first ? '' : '\n  '}],\n  "summary": ${JSON.stringify(summaryJson(s))},\n  "disclaimer": ${JSON.stringify(CHECK_DISCLAIMER)}\n}\n`),
      };
    }
    case 'ndjson':
      return {
        file: (r) => w(JSON.stringify({ type: 'file', schemaVersion: CHECK_SCHEMA_VERSION, ...r }) + '\n'),
        end: (s) => w(JSON.stringify({ type: 'summary', schemaVersion: CHECK_SCHEMA_VERSION, summary: summaryJson(s), disclaimer: CHECK_DISCLAIMER }) + '\n'),
      };
    case 'csv':
      w(CSV_HEADER.join(',') + '\n');
      return {
        file: (r) => {
          let text = '';
          for (const f of r.findings) text += csvRow(f) + '\n';
          if (text) w(text);
        },
        end: (s) => out.warn(summaryText(s) + '\n' + CHECK_DISCLAIMER),
      };
    default:
      return {
        file: (r) => {
          if (r.findings.length) w(tableText(r, out));
        },
        end: (s) => w(summaryText(s) + '\n' + CHECK_DISCLAIMER + '\n'),
      };
  }
}

/**
 * Text from a regimen file (a name, a path) made safe for a terminal or a spreadsheet: control
 * characters, which could move the cursor or clear the screen, are shown as \uXXXX.
 */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const CSV_HEADER = ['file', 'line', 'column', 'severity', 'code', 'meds', 'message', 'action', 'source'];

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
export function csvField(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(f: Finding): string {
  return [visible(f.file), f.line, f.column, f.severity, f.code, f.meds.join(';'), visible(f.message), visible(f.action), visible(f.source)].map(csvField).join(',');
}

function tableText(r: FileResult, out: Output): string {
  const p = out.p;
  const sev = (s: Severity) => (s === 'error' ? p.red : s === 'warning' ? p.yellow : p.blue)(s.padEnd(7));
  let text = p.bold(visible(r.file)) + '\n';
  for (const f of r.findings) {
    const pos = f.line === null ? '-' : `${f.line}:${f.column ?? 1}`;
    text += `  ${pos.padEnd(8)} ${sev(f.severity)} ${f.code}  ${visible(f.message)}\n`;
    text += `  ${' '.repeat(17)}${p.dim('action:')} ${visible(f.action)}\n`;
    text += `  ${' '.repeat(17)}${p.dim('source:')} ${visible(f.source)}\n`;
  }
  return text;
}

export function summaryText(s: CheckSummary): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const withF = SEVERITIES.map((sev) => `${s.filesWithFindings[sev]} with ${sev === 'info' ? 'notes' : sev + 's'}`).join(', ');
  const codes = Object.keys(s.findingsByCode).sort().map((c) => `${c} ${s.findingsByCode[c]}`).join(', ');
  return `${plural(s.files, 'file')} checked in ${(s.elapsedMs / 1000).toFixed(2)} s; files with findings: ${withF}` + (codes ? `\nfindings by code: ${codes}` : '');
}
