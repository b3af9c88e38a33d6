import { nearest, usageError } from '../errors.js';
import type { Medication, Regimen } from '../model/types.js';

/**
 * The medication a command names, by id (or name, case-insensitive); a usage error (exit 2) naming
 * the ones that exist. The one look-up of a medication by what a user typed: the CLI resolves it, and
 * the core is given the medication.
 */
export function findMed(regimen: Regimen, name: string): Medication {
  const lower = name.toLowerCase();
  const m = regimen.medications.find((x) => x.id === name) ?? regimen.medications.find((x) => x.id.toLowerCase() === lower || x.name?.toLowerCase() === lower);
  if (m) return m;
  const ids = regimen.medications.map((x) => x.id);
  const near = nearest(name, ids);
  throw usageError(
    'unknown-med',
    `no medication ${JSON.stringify(name)} in the regimen`,
    `${near ? `did you mean \`${near}\`? ` : ''}known: ${ids.join(', ') || '(none yet: add one with `meds add`)'}`,
  );
}
