// The app `cdk8s synth` runs (see cdk8s.yaml). It writes dist/ itself: the CLI's own
// output folder (.cdk8s.out) is only a staging area that the CLI wipes on every run, and
// must exist afterwards even when every customer was already up to date.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { synth } from './pipeline/synth';

synth({ root: __dirname }).then((code) => {
  fs.mkdirSync(path.join(__dirname, '.cdk8s.out'), { recursive: true });
  process.exitCode = code;
});
