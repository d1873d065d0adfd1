/**
 * Where the schema files come from: `--schemas <dir>`, else `$ASTRAGO_SCHEMAS`, else
 * `../shared/schemas` beside the repository (CI), else the fetched cache `.cache/schemas`;
 * with none of them the strict checks are skipped with a notice, never silently passed.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT, UserError } from '../model/user-error';
import { SCHEMA_SOURCES, type SchemaSource } from './schema-sources';
import { causeOf, messageOf } from '../model/caught';
import { replaceFile } from '../files/file-steps';

export const SCHEMAS_ENV = 'ASTRAGO_SCHEMAS';

export const SchemaOrigin = {
  OPTION: '--schemas',
  ENV: `$${SCHEMAS_ENV}`,
  SHARED: '../shared/schemas',
  CACHE: 'cache',
  NONE: 'none',
} as const;
export type SchemaOrigin = (typeof SchemaOrigin)[keyof typeof SchemaOrigin];

export interface SchemaLocation {
  readonly origin: SchemaOrigin;
  /** Absent when no schema folder was found. */
  readonly dir?: string;
}

/** The git-ignored folder `--fetch-schemas` downloads into. */
export function schemaCacheDir(root: string): string {
  return path.join(root, '.cache', 'schemas');
}

export function locateSchemas(root: string, option?: string, env: NodeJS.ProcessEnv = process.env): SchemaLocation {
  const fromEnv = env[SCHEMAS_ENV];
  const explicit = option !== undefined ? { origin: SchemaOrigin.OPTION, dir: option } : fromEnv ? { origin: SchemaOrigin.ENV, dir: fromEnv } : undefined;
  if (explicit) {
    const dir = path.resolve(root, explicit.dir);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new UserError(`${explicit.origin}: expected a schema folder (kubernetes/, crds/), found no folder at ${explicit.dir}`, EXIT.USAGE);
    }
    return { origin: explicit.origin, dir };
  }
  const shared = path.resolve(root, '..', 'shared', 'schemas');
  if (fs.existsSync(shared)) return { origin: SchemaOrigin.SHARED, dir: shared };
  const cache = schemaCacheDir(root);
  if (SCHEMA_SOURCES.every((s) => fs.existsSync(path.join(cache, s.file)))) return { origin: SchemaOrigin.CACHE, dir: cache };
  return { origin: SchemaOrigin.NONE };
}

export type Fetch = (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

export interface FetchSchemasOptions {
  /** Folder to download into. */
  readonly dir: string;
  /** @default globalThis.fetch */
  readonly fetch?: Fetch;
  /** @default SCHEMA_SOURCES */
  readonly sources?: readonly SchemaSource[];
  readonly log?: (line: string) => void;
}

/**
 * Downloads every pinned schema file that is missing or altered. Each file is checked
 * against its sha256 before it replaces anything; a failure names the URL and the cause.
 */
export async function fetchSchemas(options: FetchSchemasOptions): Promise<void> {
  const doFetch = options.fetch ?? (globalThis.fetch as Fetch);
  for (const source of options.sources ?? SCHEMA_SOURCES) {
    const target = path.join(options.dir, source.file);
    if (fs.existsSync(target) && sha256(fs.readFileSync(target)) === source.sha256) continue;
    let body: Buffer;
    try {
      const response = await doFetch(source.url);
      if (!response.ok) throw new UserError(`${source.url}: expected HTTP 200, found HTTP ${response.status}`);
      body = Buffer.from(await response.arrayBuffer());
    } catch (e) {
      if (e instanceof UserError) throw e;
      const cause = messageOf(causeOf(e) ?? e);
      throw new UserError(`${source.url}: cannot download (${cause}); offline? pass --schemas <dir> or set ${SCHEMAS_ENV}`);
    }
    const actual = sha256(body);
    if (actual !== source.sha256) {
      throw new UserError(`${source.url}: expected sha256 ${source.sha256}, found ${actual}; ${source.file} was not written`);
    }
    replaceFile(target, body);
    options.log?.(`fetched ${source.file}`);
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
