/**
 * The plaintext guard: no Secret under dist/ may carry data that is not SOPS-encrypted.
 * Synth refuses to write one (a bug), `npx astrago secrets check` scans the committed tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

const ENCRYPTED_VALUE = /^ENC\[AES256_GCM,data:.*,iv:.+,tag:.+,type:\w+\]$/;

export interface PlaintextFinding {
  readonly file: string;
  readonly object: string;
  readonly message: string;
}

type Obj = { kind?: unknown; metadata?: { name?: string; namespace?: string }; data?: unknown; stringData?: unknown; sops?: unknown };

/** Findings for one object: a Secret whose data or stringData is readable. */
export function plaintextFindings(object: Obj, file: string): PlaintextFinding[] {
  if (object?.kind !== 'Secret') return [];
  const name = `Secret/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  const fields = (['data', 'stringData'] as const).filter((f) => object[f] && Object.keys(object[f] as object).length > 0);
  if (fields.length === 0) return [];
  if (!object.sops) return [{ file, object: name, message: `${fields.join(' and ')} in plain text (no sops metadata)` }];
  return fields.flatMap((field) => Object.entries(object[field] as Record<string, unknown>)
    .filter(([, v]) => typeof v !== 'string' || (v !== '' && !ENCRYPTED_VALUE.test(v)))
    .map(([key]) => ({ file, object: name, message: `${field}.${key} is not SOPS-encrypted` })));
}

/** Scans every YAML file under a folder. */
export function scanTree(dir: string, relativeTo = dir): PlaintextFinding[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)).sort().flatMap((f) => {
    const file = path.join(dir, f);
    return parseAllDocuments(fs.readFileSync(file, 'utf8')).flatMap((d) => plaintextFindings(d.toJS() as Obj, path.relative(relativeTo, file)));
  });
}
