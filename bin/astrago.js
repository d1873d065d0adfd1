#!/usr/bin/env node
// `npx astrago …`: runs the TypeScript CLI without a build step (transpile only, like synth).
require('./register');
require('../commands/cli').main(process.argv, require('node:path').join(__dirname, '..'));
