/**
 * Reading a pharmacist's rules file (--rules): YAML, checked against its schema (rules-schema.ts)
 * by the regimen validator's walker, and against what the schema cannot say (known classes and
 * ingredients, unique codes that are not bundled codes). Any error is bad usage (exit 2) with its
 * file:line:column; the run does not start.
 */
import { readFileSync } from 'node:fs';
import { EXIT, MedsError, type Problem } from '../errors.js';
import { nearest } from '../errors.js';
import { yaml } from '../store/yaml.js';
import { docLocator } from '../store/load.js';
import { Checker, pathText, type Path } from '../model/validate.js';
import { parseDuration, MINUTE } from '../time/time.js';
import { CHECK_RULES, DRUG_TABLE, type Drug, type DrugClass } from '../data/drug-table.js';
import type { ConditionRule, UserRules } from '../core/check/user-rules.js';
import { rulesSchema } from './rules-schema.js';

type Obj = Record<string, unknown>;

/** Every code the bundled rules give (a rules file may not take one). */
function bundledCodes(): Set<string> {
  const r = CHECK_RULES;
  return new Set([...r.interactions, ...r.separations, ...r.takeFirst, ...r.duplications, ...r.allergies, ...r.olderAdults.items, r.highRiskMissed].map((x) => x.code));
}
const RESERVED = /^(file|dose|dup|ddi|sep|allergy|beers|adherence|supply|missed)\./;

export function loadRules(file: string): { rules: UserRules; warnings: Problem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new MedsError('bad-rules', `cannot read the rules file ${file}: ${(err as Error).message}`, { exitCode: EXIT.usage, cause: err });
  }
  const lc = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: false, lineCounter: lc });
  const yamlErrors = [...doc.errors, ...doc.warnings].map((e): Problem => {
    const p = lc.linePos(e.pos[0]);
    return { severity: 'error', code: 'yaml', path: [], message: `YAML: ${e.message.split('\n')[0]}`, pos: { file, line: p.line, col: p.col } };
  });
  if (yamlErrors.length) throw bad(file, yamlErrors);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw bad(file, [{ severity: 'error', code: 'yaml', path: [], message: `YAML: ${(err as Error).message}`, pos: { file, line: 1, col: 1 } }]);
  }
  const c = new Checker(docLocator(doc, lc, file));
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    c.error('type', [], 'a rules file is a map of keys (rules: 1, drugs, classes, brands, maxDoses, interactions, separations, conditions)', 'see docs/checks.md');
    throw bad(file, c.problems);
  }
  if (!c.walk(raw, rulesSchema, []) || c.problems.some((p) => p.severity === 'error')) throw bad(file, c.problems);
  const rules = semantic(raw as Obj, file, c);
  if (c.problems.some((p) => p.severity === 'error')) throw bad(file, c.problems);
  return { rules, warnings: c.problems };
}

function semantic(r: Obj, file: string, c: Checker): UserRules {
  const arr = (k: string) => (Array.isArray(r[k]) ? (r[k] as Obj[]) : []);
  const classes: Record<string, DrugClass> = {};
  for (const [id, v] of Object.entries((r.classes as Record<string, Obj>) ?? {})) classes[id] = { name: String(v.name), definition: v.definition as string | undefined };
  const classIds = new Set([...Object.keys(DRUG_TABLE.classes), ...Object.keys(classes)]);
  const drugs: Drug[] = arr('drugs').map((d) => ({ ingredient: String(d.ingredient), brands: (d.brands as string[]) ?? [], classes: (d.classes as string[]) ?? [] }));
  const ingredients = new Set([...DRUG_TABLE.drugs.map((d) => d.ingredient), ...drugs.map((d) => d.ingredient.toLowerCase())]);

  const checkClass = (id: string, path: Path) => {
    if (!classIds.has(id)) {
      const near = nearest(id, classIds);
      c.error('unknown-class', path, `${pathText(path)}: no class \`${id}\` in the drug table or under classes`, near ? `did you mean \`${near}\`?` : 'add it under classes');
    }
  };
  const checkSelector = (s: string, path: Path) => {
    if (s.startsWith('class:')) return checkClass(s.slice(6), path);
    if (!ingredients.has(s.toLowerCase())) {
      const near = nearest(s.toLowerCase(), ingredients);
      c.error('unknown-ingredient', path, `${pathText(path)}: \`${s}\` is not an ingredient of the drug table or of drugs`, near ? `did you mean \`${near}\`?` : 'add it under drugs, or write class:<id>');
    }
  };
  arr('drugs').forEach((d, i) => ((d.classes as string[]) ?? []).forEach((k, j) => checkClass(k, ['drugs', i, 'classes', j])));
  arr('brands').forEach((b, i) => (b.ingredients as string[]).forEach((s, j) => checkSelector(s, ['brands', i, 'ingredients', j])));
  arr('maxDoses').forEach((m, i) => {
    const key = String(m.ingredient).toLowerCase();
    checkSelector(key, ['maxDoses', i, 'ingredient']);
    drugs.push({ ingredient: key, brands: [], classes: [], maxDailyMg: { mg: m.mg as number, rule: `${m.source as string}`, source: file } });
  });

  const taken = bundledCodes();
  const seen = new Map<string, string>();
  const checkCode = (code: string, path: Path) => {
    if (taken.has(code) || RESERVED.test(code)) c.error('code', path, `${pathText(path)}: \`${code}\` is a code of meds's own checks`, 'give your rule its own code, e.g. local.' + code.replace(RESERVED, ''));
    else if (seen.has(code)) c.error('code', path, `${pathText(path)}: the code \`${code}\` is also used at ${seen.get(code)}`, 'give each rule its own code');
    else seen.set(code, pathText(path));
  };
  const interactions = arr('interactions').map((x, i) => {
    checkCode(String(x.code), ['interactions', i, 'code']);
    for (const side of ['a', 'b'] as const) (x[side] as string[]).forEach((s, j) => checkSelector(s, ['interactions', i, side, j]));
    return { code: x.code, severity: x.severity, a: x.a, b: x.b, message: x.message, action: x.action, source: `${x.source as string} (${file})` } as UserRules['interactions'][number];
  });
  const separations = arr('separations').map((x, i) => {
    checkCode(String(x.code), ['separations', i, 'code']);
    for (const side of ['first', 'second'] as const) (x[side] as string[]).forEach((s, j) => checkSelector(s, ['separations', i, side, j]));
    const minutes = (k: 'before' | 'after') => Math.round((parseDuration(String(x[k]))?.ms ?? 0) / MINUTE);
    return { code: x.code, severity: x.severity, first: x.first, second: x.second, firstBeforeMin: minutes('before'), firstAfterMin: minutes('after'), message: x.message, action: x.action, source: `${x.source as string} (${file})` } as UserRules['separations'][number];
  });
  const conditions = arr('conditions').map((x, i): ConditionRule => {
    checkCode(String(x.code), ['conditions', i, 'code']);
    const when = (x.when ?? {}) as ConditionRule['when'];
    if (when.ageAtLeast === undefined && when.condition === undefined && when.medication === undefined) c.error('required', ['conditions', i, 'when'], `${pathText(['conditions', i, 'when'])} needs ageAtLeast, condition or medication`);
    if (when.medication !== undefined && when.medication.startsWith('class:')) checkClass(when.medication.slice(6), ['conditions', i, 'when', 'medication']);
    return { code: String(x.code), severity: x.severity as ConditionRule['severity'], message: String(x.message), action: String(x.action), source: `${x.source as string} (${file})`, when };
  });
  return {
    file,
    drugs,
    classes,
    combinations: arr('brands').map((b) => ({ brand: String(b.brand), ingredients: (b.ingredients as string[]).map((s) => s.toLowerCase()) })),
    interactions,
    separations,
    conditions,
  };
}

function bad(file: string, problems: Problem[]): MedsError {
  const errors = problems.filter((p) => p.severity === 'error').sort((a, b) => (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.col ?? 0) - (b.pos?.col ?? 0));
  const first = errors[0] ?? problems[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return new MedsError('bad-rules', `${file} is not a valid rules file: ${first.message}${more}`, { exitCode: EXIT.usage, hint: first.hint ?? 'the format is in docs/checks.md (schema/check-rules.schema.json)', pos: first.pos, problems: errors });
}
