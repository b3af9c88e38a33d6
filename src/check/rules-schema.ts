/**
 * The format of a pharmacist's rules file (`meds check --rules FILE`), version 1, as a JSON Schema:
 * the file is checked against it (src/check/rules-file.ts, with the regimen validator's walker) and
 * the build writes it to schema/check-rules.schema.json for editors. docs/checks.md describes it.
 */
import type { JsonSchema } from '../model/schema.js';
import { DURATION } from '../model/schema.js';

const str = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'string', description, ...extra });
export const CODE = '^[a-z0-9][a-z0-9.-]*$';
const code = str('The finding code (lower case, digits, dots and dashes; not a bundled code, see docs/checks.md). local.* is a good prefix.', { pattern: CODE });
const severity: JsonSchema = { type: 'string', enum: ['error', 'warning', 'info'], description: 'The finding\'s severity.' };
const selectors = (d: string): JsonSchema => ({ type: 'array', items: { type: 'string' }, minItems: 1, description: `${d}: ingredients, or classes written class:<id> (a class of the drug table or of this file).` });
const finding = {
  code,
  severity,
  message: str('One line that says what is wrong. In a pair or separation rule {a} and {b} name the medications, {ta} and {tb} their times.'),
  action: str('What to do about it.'),
  source: str('Where the rule comes from (a label, a guideline, a practice policy).'),
};
const findingRequired = ['code', 'severity', 'message', 'action', 'source'];

export const rulesSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://meds.invalid/schema/check-rules.schema.json',
  title: 'meds check rules file, format version 1',
  type: 'object',
  properties: {
    rules: { const: 1, description: 'Format version.' },
    classes: {
      type: 'object',
      description: 'Classes by id (lower case), added to the drug table\'s.',
      additionalProperties: {
        type: 'object',
        properties: { name: str('The class\'s name.'), definition: str('What belongs to it.') },
        required: ['name'],
        additionalProperties: false,
      },
    },
    drugs: {
      type: 'array',
      description: 'Drugs (active ingredients) added to the drug table, or adding brands, classes or a maximum dose to one it has.',
      items: {
        type: 'object',
        properties: {
          ingredient: str('The ingredient\'s name (RxNorm name where there is one).'),
          brands: { type: 'array', items: { type: 'string' }, description: 'Brand names (and other names) that mean this ingredient.' },
          classes: { type: 'array', items: { type: 'string' }, description: 'Class ids it belongs to.' },
        },
        required: ['ingredient'],
        additionalProperties: false,
      },
    },
    brands: {
      type: 'array',
      description: 'Combination products: a brand name and its ingredients, in the order its strength gives them.',
      items: {
        type: 'object',
        properties: { brand: str('The brand name.'), ingredients: { type: 'array', items: { type: 'string' }, minItems: 1 } },
        required: ['brand', 'ingredients'],
        additionalProperties: false,
      },
    },
    maxDoses: {
      type: 'array',
      description: 'Maximum daily doses (replacing the table\'s for that ingredient), checked as dose.max-daily and dose.max-daily-as-needed.',
      items: {
        type: 'object',
        properties: { ingredient: str('The ingredient.'), mg: { type: 'number', exclusiveMinimum: 0, description: 'Milligrams a day.' }, source: str('Where the maximum comes from.') },
        required: ['ingredient', 'mg', 'source'],
        additionalProperties: false,
      },
    },
    interactions: {
      type: 'array',
      description: 'Pairs: a medication matching `a` in force with one matching `b`.',
      items: { type: 'object', properties: { ...finding, a: selectors('One side'), b: selectors('The other side') }, required: [...findingRequired, 'a', 'b'], additionalProperties: false },
    },
    separations: {
      type: 'array',
      description: 'Separations against the scheduled times: `first` at least `before` before `second`, and at least `after` after it.',
      items: {
        type: 'object',
        properties: { ...finding, first: selectors('The drug to keep apart'), second: selectors('What it is kept apart from'), before: str('At least this long before (e.g. 4h, 30min).', { pattern: DURATION }), after: str('At least this long after.', { pattern: DURATION }) },
        required: [...findingRequired, 'first', 'second', 'before', 'after'],
        additionalProperties: false,
      },
    },
    conditions: {
      type: 'array',
      description: 'A finding when every condition of `when` holds.',
      items: {
        type: 'object',
        properties: {
          ...finding,
          when: {
            type: 'object',
            description: 'At least one of these; all that are given must hold.',
            properties: {
              ageAtLeast: { type: 'integer', minimum: 0, description: 'The patient is at least this old (patient.born).' },
              condition: str('patient.conditions contains this (case and punctuation aside).'),
              medication: str('A medication in force matches this: an ingredient, class:<id>, or a medication id.'),
            },
            additionalProperties: false,
          },
        },
        required: [...findingRequired, 'when'],
        additionalProperties: false,
      },
    },
  },
  required: ['rules'],
  additionalProperties: false,
};
