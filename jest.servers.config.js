/**
 * `npm run test:servers`: tests against database servers a system package provides (Debian's
 * mariadb-server); `.ci/run` installs it and runs this suite after `npm test`.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/__tests__/servers'],
  testPathIgnorePatterns: [],
  // One server per file, started and stopped by the file itself.
  maxWorkers: 1,
};
