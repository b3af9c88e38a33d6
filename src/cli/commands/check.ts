/** `meds check`: validate the file. Silent and exit 0 when clean; warnings on stderr; exit 65 when invalid. */
import type { Ctx } from '../context.js';
import { loadRegimen } from '../../store/load.js';
import { warnProblems } from './shared.js';

export async function run(ctx: Ctx): Promise<number> {
  const loaded = loadRegimen(ctx.path);
  warnProblems(ctx, loaded.warnings);
  if (ctx.json) ctx.out.printJson({ schemaVersion: 1, file: ctx.path, valid: true, medications: loaded.regimen.medications.length, logEntries: loaded.logCount, warnings: loaded.warnings });
  return 0;
}
