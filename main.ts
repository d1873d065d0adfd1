// The app `cdk8s synth` runs (see cdk8s.yaml). It writes dist/ itself: the CLI's own
// output folder (.cdk8s.out) is only a staging area that the CLI wipes on every run. After a
// successful run it holds one file saying where the trees are, which the CLI lists as what was
// synthesized (with no file there it would end a good run with "No manifests synthesized").
//
// When no customer's inputs changed since the last run, nothing is rendered and cdk8s, the
// constructs and the pipeline are never loaded (pipeline/synth-entry.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { customerFileNames } from './files/customer-folders';
import { customerDistFolder, entryFile } from './model/layout';
import { synthIfChanged } from './pipeline/synth-entry';

void synthIfChanged(__dirname).then((code) => {
  const out = path.join(__dirname, '.cdk8s.out');
  fs.mkdirSync(out, { recursive: true });
  if (code === 0) {
    const lines = customerFileNames(__dirname).map((c) => `  - {customer: ${c}, tree: ${customerDistFolder(c)}/, entry: ${entryFile(c)}}`);
    fs.writeFileSync(path.join(out, 'customers.yaml'), `# Where synth wrote each customer's tree: committed, and applied by Flux. Nothing else is written here.\ncustomers:\n${lines.join('\n')}\n`);
  }
  process.exitCode = code;
});
