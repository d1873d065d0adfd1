/**
 * What `npx cdk8s synth` runs (`main.ts`): when no customer's inputs changed since the last run
 * (`input-digest.ts`), nothing is rendered and cdk8s, the constructs and the pipeline are never
 * loaded; otherwise synth proper, which looks at every customer again under its lock.
 */
import { customerFileNames } from '../files/customer-folders';
import { allUnchanged, DigestContext, needsFullSynth, ringsChecked, unchangedLine } from './input-digest';

/** Returns the process exit code. */
export async function synthIfChanged(root: string, log: (line: string) => void = (line) => console.error(line)): Promise<number> {
  const names = customerFileNames(root);
  const context = new DigestContext(root);
  // A rings.yaml synth has not checked whole may be wrong where no customer's ring changed: synth proper checks it.
  const unchanged = names.length > 0 && ringsChecked(context) ? allUnchanged(context, names) : undefined;
  if (!unchanged || needsFullSynth(root, names)) {
    // Loaded only now: it brings cdk8s, the constructs and the generated imports.
    const { synth }: typeof import('./synth') = require('./synth');
    return synth({ root, log });
  }
  for (const warnings of unchanged.values()) for (const w of warnings) log(`warning: ${w}`);
  log(unchangedLine(unchanged.size));
  return 0;
}
