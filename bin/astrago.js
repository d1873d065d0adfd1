#!/usr/bin/env node
// `npx astrago …`: runs the TypeScript CLI without a build step (transpile only, like synth).
require('ts-node').register({ transpileOnly: true, project: require('node:path').join(__dirname, '..', 'tsconfig.json') });
require('../commands/cli').main(process.argv, require('node:path').join(__dirname, '..'));
