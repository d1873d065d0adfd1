// The app `cdk8s synth` runs (see cdk8s.yaml). It writes dist/ itself: the CLI's own
// output folder (.cdk8s.out) is only a staging area that the CLI wipes on every run.
import { synth } from './commands/synth';

synth({ root: __dirname }).then((code) => {
  process.exitCode = code;
});
