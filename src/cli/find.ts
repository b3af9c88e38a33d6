import { nearest, usageError } from '../errors.js';
import type { Medication, Regimen } from '../model/types.js';

/** The medication named on the command line, by id (or name, case-insensitive); exit 2 naming the ones that exist. */
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
