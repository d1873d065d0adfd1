/**
 * One command of a pull request's workflow, in a process of its own as CI runs it, against the
 * bench's scratch repository: `synth` as `npx cdk8s synth` runs it (`main.ts`), any other as
 * `npx astrago <command> <options>`. Only what the command itself loads is loaded.
 */
import type * as Cli from '../commands/cli';
import type * as SynthEntry from '../pipeline/synth-entry';

const [root, command, ...options] = process.argv.slice(2);
if (command === 'synth') {
  const { synthIfChanged }: typeof SynthEntry = require('../pipeline/synth-entry');
  void synthIfChanged(root).then((code) => {
    process.exitCode = code;
  });
} else {
  const { main }: typeof Cli = require('../commands/cli');
  void main([process.argv[0], 'astrago', command, ...options], root);
}
