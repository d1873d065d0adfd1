#!/usr/bin/env node
// `npx astrago …`: runs the TypeScript CLI without a build step (transpile only, like synth).
require('sucrase/register');
require('../commands/cli').main(process.argv, require('node:path').join(__dirname, '..'));
