/**
 * The regimen file format, version 1, as a JSON Schema (draft 2020-12).
 * This object is the single definition of the format's keys and types: the
 * validator walks it (model/validate.ts), and the build writes it to
 * schema/meds.schema.json for editors with a YAML language server.
 * Rules JSON Schema cannot say (real calendar dates, IANA zones, routine
 * names, duplicate ids) are checked in validate.ts.
 */
export type JsonSchema = {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: (string | number | boolean)[];
  const?: string | number | boolean;
  pattern?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minItems?: number;
  anyOf?: JsonSchema[];
  default?: unknown;
  examples?: unknown[];
};

export const HHMM = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
export const DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
export const DATETIME_LOCAL = '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?$';
/** A scheduled dose's slot: its local wall time; the second pass through a repeated (fall-back) hour carries its offset. */
export const SLOT = '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2})?$';
export const INSTANT = '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$';
export const DURATION = '^[0-9]+(\\.[0-9]+)?\\s*(min|m|h|d|w)$';

const str = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'string', description, ...extra });
const positive = (description: string): JsonSchema => ({ type: 'number', exclusiveMinimum: 0, description });
const count = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, description });

const missed: JsonSchema = {
  type: 'object',
  description: 'What to do when a dose is missed, as the prescriber or pharmacist said. First match: advice, action, takeWithin, sameDay.',
  properties: {
    takeWithin: str('Take a missed dose if no more than this late (e.g. 6h), else skip it.', { pattern: DURATION }),
    sameDay: { type: 'boolean', description: 'Take a missed dose if it is still the same calendar day, else skip it.' },
    action: { type: 'string', enum: ['skip'], description: 'Always skip a missed dose.' },
    advice: str('Contact the prescriber with this instruction (e.g. "Call the anticoagulation clinic").'),
  },
  additionalProperties: false,
};

const timeEntry: JsonSchema = {
  anyOf: [
    str('A clock time "HH:MM" (quote it) or a routine name such as breakfast.'),
    {
      type: 'object',
      properties: {
        at: str('A clock time "HH:MM" or a routine name.'),
        dose: positive('Units for this time of day (overrides the phase dose).'),
      },
      required: ['at'],
      additionalProperties: false,
    },
  ],
};

const phase: JsonSchema = {
  type: 'object',
  description: 'One schedule (FHIR Timing.repeat). Needs times, every, or asNeeded.',
  properties: {
    times: { type: 'array', items: timeEntry, minItems: 1, description: 'Clock times or routine names, every day the other keys allow (Timing.timeOfDay / when).' },
    days: { type: 'array', items: { type: 'string', enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }, minItems: 1, description: 'Weekdays (Timing.dayOfWeek).' },
    monthDays: {
      type: 'array',
      items: { anyOf: [{ type: 'integer', minimum: 1, maximum: 31 }, { type: 'string', enum: ['last'] }] },
      minItems: 1,
      description: 'Days of the month (1-31), or `last`. A day a month does not have falls on its last day (31 is 30 April, 28 or 29 February); days that fall on the same day give one dose.',
    },
    every: str('Every N hours of elapsed time ("8h", "30min"), or every N days or weeks ("2d", "1w") counted from `from` (Timing frequency/period).', { pattern: DURATION }),
    from: str('First day (inclusive), or a date-time for `every: Nh` (Timing.bounds start).', { pattern: DATETIME_LOCAL }),
    until: str('Last day (inclusive) (Timing.bounds end).', { pattern: DATE }),
    count: { type: 'integer', minimum: 1, description: 'Total doses (Timing.count); the earlier of count and until wins.' },
    dose: positive('Units per dose (Dosage.doseQuantity).'),
    cycle: {
      type: 'object',
      description: 'On/off days counted from `from`, e.g. 21 on, 7 off.',
      properties: { on: { type: 'integer', minimum: 1 }, off: { type: 'integer', minimum: 0 } },
      required: ['on', 'off'],
      additionalProperties: false,
    },
    asNeeded: { type: 'boolean', description: 'As needed (PRN): never due, never missed (Dosage.asNeeded).' },
    minInterval: str('As needed: least time between doses, e.g. 6h.', { pattern: DURATION }),
    maxPerDay: { type: 'integer', minimum: 1, description: 'As needed: most doses (administrations) in any 24 hours (Dosage.maxDosePerPeriod).' },
    note: str('Free text.'),
  },
  additionalProperties: false,
};

const supply: JsonSchema = {
  type: 'object',
  description: 'What is on hand and how it is refilled (FHIR MedicationRequest.dispenseRequest).',
  properties: {
    onHand: count('Units on hand when last counted.'),
    countedAt: str('Date of that count.', { pattern: DATE }),
    refillsLeft: count('Refills remaining on the prescription (the first fill is not a refill).'),
    quantity: positive('Usual quantity of a fill.'),
    leadDays: count('Days before running out to order (default 7).'),
    expires: str('Date the prescription expires.', { pattern: DATE }),
    fills: {
      type: 'array',
      description: 'Fills (FHIR MedicationDispense).',
      items: {
        type: 'object',
        properties: {
          date: str('Date of the fill.', { pattern: DATE }),
          quantity: positive('Units dispensed.'),
          daysSupply: { type: 'integer', minimum: 1, description: 'Days the fill lasts.' },
        },
        required: ['date', 'quantity'],
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

const medication: JsonSchema = {
  type: 'object',
  properties: {
    id: str('The short name used on the command line.', { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    name: str('Name as on the label, e.g. "Eliquis (apixaban)".'),
    strength: str('Strength per unit, e.g. "500 mg".'),
    form: str('tablet, capsule, injection, ...'),
    unit: str('What one unit of `dose` is (default: the form, or "unit").'),
    ingredients: { type: 'array', items: { type: 'string' }, description: 'Active ingredients, for missed-dose rules.' },
    purpose: str('Why it is taken.'),
    prescriber: str('Who prescribed it.'),
    instructions: str('How to take it (Dosage.patientInstruction).'),
    trackedSince: str('The day recording of this medication began (`meds add` writes it when the schedule starts earlier, e.g. a pill pack begun before set-up): doses scheduled before it are never missed, counted or advised on.', { pattern: DATE }),
    dose: positive('Units per dose (default 1).'),
    schedule: {
      anyOf: [phase, { type: 'array', items: phase, minItems: 1, description: 'Phases, each with its own bounds and dose (a taper, or a schedule changed over time).' }],
    },
    missed,
    supply,
    stopped: str('Stopped (written by `meds stop`): no scheduled dose from this local date-time on, whatever the schedule says; a phase that starts after it restarts the medication.', { pattern: DATETIME_LOCAL }),
    notes: str('Free text.'),
  },
  required: ['id', 'schedule'],
  additionalProperties: false,
};

const logEntry: JsonSchema = {
  type: 'object',
  description: 'One recorded dose (FHIR MedicationAdministration).',
  properties: {
    at: str('When, with offset: 2026-03-08T07:04-04:00.', { pattern: INSTANT }),
    med: str('Medication id.'),
    for: str('The scheduled dose it answers, local "YYYY-MM-DDTHH:MM" (with its offset for the second pass through a fall-back hour).', { pattern: SLOT }),
    status: { type: 'string', enum: ['taken', 'skipped'] },
    reason: str('Why it was skipped (statusReason).'),
    dose: positive('Units taken, when not the scheduled dose.'),
    extra: { type: 'boolean', description: 'A dose beyond the schedule.' },
    note: str('Free text.'),
  },
  required: ['at', 'med', 'status'],
  additionalProperties: false,
};

export const regimenSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://meds.invalid/schema/meds.schema.json',
  title: 'meds regimen file, format version 1',
  type: 'object',
  properties: {
    meds: { const: 1, description: 'Format version.' },
    patient: {
      type: 'object',
      properties: {
        name: str('Patient name.'),
        timezone: str('IANA time zone; every schedule is computed in it.', { examples: ['America/New_York'] }),
        born: str('Date of birth.', { pattern: DATE }),
        allergies: { type: 'array', items: { type: 'string' } },
        conditions: { type: 'array', items: { type: 'string' } },
        routine: {
          type: 'object',
          description: 'Named times of the day ("HH:MM") that schedules may use: wake, breakfast, lunch, dinner, bed, ...',
          additionalProperties: { type: 'string', pattern: HHMM },
        },
      },
      required: ['timezone'],
      additionalProperties: false,
    },
    settings: {
      type: 'object',
      properties: {
        window: {
          type: 'object',
          description: 'A dose taken inside [time - early, time + late] is on time.',
          properties: { early: str('Default 1h.', { pattern: DURATION }), late: str('Default 2h.', { pattern: DURATION }) },
          additionalProperties: false,
        },
        missed,
        pdcThreshold: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'PDC at or above which a medication counts as adherent (default 0.80; 0.90 for antiretrovirals).' },
      },
      additionalProperties: false,
    },
    medications: { type: 'array', items: medication },
    log: { type: 'array', items: logEntry, description: 'One entry per line, in the order recorded.' },
  },
  required: ['meds', 'patient'],
  additionalProperties: false,
};
