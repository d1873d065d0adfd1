// Runs TypeScript without a build step: transpiles each .ts file on require with sucrase (no
// type-checking: `npm test` does that), like `sucrase/register`, and keeps the output in
// .cache/transpiled/ so that a run whose sources did not change skips the transpiler.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { addHook } = require('pirates');

const cacheDir = path.join(__dirname, '..', '.cache', 'transpiled');
const salt = `${require('sucrase/package.json').version}:${process.version}`;
// Loaded on the first file not transpiled yet: a run whose sources are all cached never loads it.
let transform;

addHook((code, filePath) => {
  const key = crypto.createHash('sha256').update(salt).update(filePath).update(code).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // Not transpiled yet.
  }
  transform ??= require('sucrase').transform;
  const { code: js, sourceMap } = transform(code, { transforms: ['imports', 'typescript'], filePath, sourceMapOptions: { compiledFilename: filePath } });
  const out = `${js}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(sourceMap)).toString('base64')}`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    // One temporary name per thread: worker threads of one process share its pid.
    const temporary = `${cached}.${process.pid}.${require('node:worker_threads').threadId}`;
    fs.writeFileSync(temporary, out);
    fs.renameSync(temporary, cached);
  } catch {
    // A read-only checkout still runs, only without the cache.
  }
  return out;
}, { exts: ['.ts'] });
