/** What a run's checks know: the bundled drug table and rules, and the pharmacist's own (--rules). */
import { bundledIndex, CHECK_RULES, DRUG_TABLE, DrugIndex } from '../data/drug-table.js';
import type { Knowledge } from '../core/check/context.js';
import type { UserRules } from '../core/check/user-rules.js';

export function knowledgeOf(user?: UserRules): Knowledge {
  if (!user) return { index: bundledIndex(), rules: CHECK_RULES };
  const index = new DrugIndex(DRUG_TABLE);
  index.add({ drugs: user.drugs, classes: user.classes, combinations: user.combinations });
  return { index, rules: CHECK_RULES, user };
}
