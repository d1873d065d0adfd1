/**
 * Where the schema files come from: `--schemas <dir>`, else `$ASTRAGO_SCHEMAS`, else the schemas
 * vendored in `vendor/schemas/`, each checked against its sha256 in the lock before it is read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readVendorLock, readVerified } from '../catalog/vendor-lock';
import { filesUnder } from '../files/file-steps';
import { VENDOR_LOCK, VENDORED_SCHEMAS } from '../model/layout';
import { EXIT, UserError } from '../model/user-error';

export const SCHEMAS_ENV = 'ASTRAGO_SCHEMAS';

export const SchemaOrigin = {
  OPTION: '--schemas',
  ENV: `$${SCHEMAS_ENV}`,
  VENDORED: VENDORED_SCHEMAS,
} as const;
export type SchemaOrigin = (typeof SchemaOrigin)[keyof typeof SchemaOrigin];

export interface SchemaLocation {
  readonly origin: SchemaOrigin;
  readonly dir: string;
  /** CRD files (`crds/<name>`) the folder must hold: those the vendor lock lists. */
  readonly pinned: readonly string[];
}

/**
 * The schema folder to validate against. The vendored one is verified file by file against the
 * lock: a missing, linked or altered schema is one error line naming it, never a silent skip.
 */
export function locateSchemas(root: string, option?: string, env: NodeJS.ProcessEnv = process.env): SchemaLocation {
  const listed = readVendorLock(root).schemas;
  const crds = `${VENDORED_SCHEMAS}/crds/`;
  const pinned = listed.filter((e) => e.file.startsWith(crds)).map((e) => e.file.slice(crds.length));
  const fromEnv = env[SCHEMAS_ENV];
  const explicit = option !== undefined ? { origin: SchemaOrigin.OPTION, dir: option }
    : fromEnv ? { origin: SchemaOrigin.ENV, dir: fromEnv } : undefined;
  if (explicit) {
    const dir = path.resolve(root, explicit.dir);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new UserError(`${explicit.origin}: expected a schema folder (kubernetes/, crds/), found no folder at ${explicit.dir}`, EXIT.USAGE);
    }
    return { origin: explicit.origin, dir, pinned };
  }
  for (const entry of listed) readVerified(root, entry);
  // Every file of the folder is read: one the lock does not vouch for would be read unchecked.
  const files = new Set(listed.map((e) => e.file));
  const stray = filesUnder(root, VENDORED_SCHEMAS).map((f) => `${VENDORED_SCHEMAS}/${f}`).find((f) => !files.has(f));
  if (stray) throw new UserError(`${stray}: expected only the schemas ${VENDOR_LOCK} lists, found one it does not: remove it, or restore the folder with \`git checkout -- vendor/\``);
  return { origin: SchemaOrigin.VENDORED, dir: path.join(root, VENDORED_SCHEMAS), pinned };
}
