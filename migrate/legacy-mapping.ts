/**
 * What becomes of each key of an old environment: a setting of the customer file, a
 * credential, or nothing (with the reason). One rule per key, first match wins; every leaf
 * of the merged environment meets exactly one rule, so the report has one line per old key.
 */
import type { CredentialName } from '../catalog/credentials';
import { isPlainObject, type Plain } from '../config/layering';
import { LEGACY_KEYS } from '../config/legacy';
import { LegacyLayout } from './legacy-environment';

/** What becomes of one old key. */
export type Rule =
  /** Copied to a key of the customer file (`*` in `to` stands for the key's `*` segments). */
  | { readonly kind: 'setting'; readonly to: string; readonly convert?: (value: unknown) => unknown }
  /** A plain-text credential: encrypted, never printed. */
  | { readonly kind: 'credential'; readonly credential: CredentialName }
  /** An external URL of the old system: now derived from externalAccess, compared in the report. */
  | { readonly kind: 'url' }
  /** Not carried over; the value is never printed (it may hold a password). */
  | { readonly kind: 'dropped'; readonly why: string };

interface RuleEntry {
  /** Dotted key: `*` matches one segment, a final `**` any number (a whole subtree). */
  readonly key: string;
  /** @default - both layouts */
  readonly layouts?: readonly LegacyLayout[];
  readonly rule: Rule;
}

const setting = (to: string, convert?: (value: unknown) => unknown): Rule => ({ kind: 'setting', to, convert });
const dropped = (why: string): Rule => ({ kind: 'dropped', why });
const same = (...keys: string[]): RuleEntry[] => keys.map((key) => ({ key, rule: setting(key) }));

/** The platform workloads of both layouts' charts. */
export const PLATFORM_COMPONENTS = ['core', 'batch', 'monitor', 'frontend'] as const;

/** `[{name: ghcr-secret}]` (Kubernetes' form, the old chart's) → `[ghcr-secret]`. */
function secretNames(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((item) => (isPlainObject(item) && typeof item.name === 'string' && Object.keys(item).length === 1 ? item.name : item));
}

/**
 * YAML 1.1's yes/no/on/off (and y/n) as the booleans the old system made of them: Helmfile's
 * go-yaml v3 keeps them as text in the environment values, but reads them as booleans into a
 * typed field (a release's `installed:`), and Helm's YAML 1.1 parser reads them so in the
 * rendered values of a chart. True and false are booleans already.
 */
export function helmBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (/^(?:y|Y|yes|Yes|YES|on|On|ON)$/.test(value)) return true;
  if (/^(?:n|N|no|No|NO|off|Off|OFF)$/.test(value)) return false;
  return value;
}

/** `"3595000"` → 3595000: the old files quote numbers. */
const wholeNumber = (value: unknown) => (typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value);

const REMOVED_2025_09 = 'removed from the old system on 2025-09-05 and not part of this one';

export const RULES: readonly RuleEntry[] = [
  ...LEGACY_KEYS.filter((k) => k.kind === 'credential').map((k) => ({ key: k.path, rule: { kind: 'credential', credential: k.credential! } as Rule })),
  // Keys whose meaning depends on the layout come before the generic "never read" list.
  { key: 'externalIP', layouts: [LegacyLayout.MAIN], rule: setting('externalAccess.ip.address') },
  { key: 'astrago.proxyUrl', layouts: [LegacyLayout.MAIN], rule: { kind: 'url' } },
  { key: 'astrago.baseUrl', layouts: [LegacyLayout.STABILIZE], rule: { kind: 'url' } },
  { key: 'astrago.keycloak.externalKeycloakUrl', layouts: [LegacyLayout.MAIN], rule: setting('astrago.keycloak.baseUrl') },
  { key: 'harbor.enabled', layouts: [LegacyLayout.MAIN], rule: setting('components.harbor.enabled', helmBoolean) },
  { key: 'harbor.enabled', layouts: [LegacyLayout.STABILIZE], rule: dropped('the old system installed Harbor whatever it said (every release was installed); Harbor stays on (components.harbor.enabled)') },
  { key: 'offline.httpServer', layouts: [LegacyLayout.MAIN], rule: dropped('the main layout fetched the Keycloak theme from it; the theme is in the Keycloak image now (keycloak.image), and an air-gapped customer\'s charts come from this Git repository (vendor/charts/)') },
  ...LEGACY_KEYS.filter((k) => k.kind === 'unused').map((k) => ({ key: k.path, rule: dropped(`the old system never read it; this system uses ${k.replacement}`) })),
  ...same('externalAccess.mode', 'externalAccess.ip.address', 'externalAccess.domain.name', 'externalAccess.domain.tls.issuer', 'externalAccess.domain.tls.secretName'),
  { key: 'externalAccess.domain.tls.enabled', rule: setting('externalAccess.domain.tls.enabled', helmBoolean) },
  ...same('nfs.server', 'nfs.basePath', 'nfs.storageClassName', 'nfs.size'),
  { key: 'nfs.enabled', rule: dropped('every volume is on the NFS server: the only storage this system supports') },
  { key: 'local.**', rule: dropped('local volumes (StorageClass astrago-local-storage) are not supported: every volume is on the NFS server') },
  ...same('keycloak.adminUser', 'keycloak.image.registry', 'keycloak.image.repository', 'keycloak.image.tag'),
  { key: 'keycloak.themeVersion', rule: dropped('the theme is built into the Keycloak image now (keycloak.image.tag)') },
  ...same('astrago.keycloak.baseUrl', 'astrago.keycloak.realm', 'astrago.keycloak.client', 'astrago.mariadb.username'),
  { key: 'astrago.mariadb.maxLifetime', rule: setting('astrago.mariadb.maxLifetime', wholeNumber) },
  ...same('astrago.imageDefaults.registry', 'astrago.imageDefaults.repository', 'astrago.imageDefaults.pullPolicy'),
  ...PLATFORM_COMPONENTS.flatMap((c): RuleEntry[] => [
    ...same(`astrago.components.${c}.registry`, `astrago.components.${c}.repository`, `astrago.components.${c}.tag`),
    // main: one block per component, the tag under imageTag.
    { key: `astrago.${c}.registry`, layouts: [LegacyLayout.MAIN], rule: setting(`astrago.components.${c}.registry`) },
    { key: `astrago.${c}.repository`, layouts: [LegacyLayout.MAIN], rule: setting(`astrago.components.${c}.repository`) },
    { key: `astrago.${c}.imageTag`, layouts: [LegacyLayout.MAIN], rule: setting(`astrago.components.${c}.tag`) },
  ]),
  { key: 'astrago.global.imagePullSecrets', rule: setting('astrago.global.imagePullSecrets', secretNames) },
  { key: 'astrago.oneview.enabled', rule: setting('astrago.oneview.enabled', helmBoolean) },
  ...same('offline.registry'),
  { key: 'astrago.experiment.**', rule: dropped('the platform has no experiment service any more (the stabilize/1.0 chart has none)') },
  { key: 'astrago.mongodb.**', rule: dropped('the platform no longer uses MongoDB (the stabilize/1.0 chart has none)') },
  { key: 'gpu-process-exporter.**', rule: dropped(`${REMOVED_2025_09}; GPU metrics come from the DCGM exporter (docs/gpu-monitoring.md)`) },
  { key: 'loki.**', rule: dropped(`${REMOVED_2025_09}; a running Loki keeps its release and volume (docs/migration.md)`) },
  { key: 'promtail.**', rule: dropped(`${REMOVED_2025_09}; a running Promtail keeps its release (docs/migration.md)`) },
  { key: '**', rule: dropped('no template of the old system reads it, as far as this import knows: check it by hand') },
];

/** The rule of a key and the values of its `*` segments. */
export function ruleFor(keyPath: readonly string[], layout: LegacyLayout): { rule: Rule; target?: string } {
  for (const entry of RULES) {
    if (entry.layouts && !entry.layouts.includes(layout)) continue;
    const captures = match(entry.key.split('.'), keyPath);
    if (!captures) continue;
    const rule = entry.rule;
    return { rule, target: rule.kind === 'setting' ? rule.to.replace(/\*/g, () => captures.shift()!) : undefined };
  }
  throw new Error(`no rule for ${keyPath.join('.')}`); // unreachable: the last rule matches everything
}

function match(pattern: readonly string[], keyPath: readonly string[]): string[] | undefined {
  const captures: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '**' && i === pattern.length - 1) return captures;
    if (i >= keyPath.length) return undefined;
    if (pattern[i] === '*') captures.push(keyPath[i]);
    else if (pattern[i] !== keyPath[i]) return undefined;
  }
  return pattern.length === keyPath.length ? captures : undefined;
}

/** Every leaf of the merged values (scalars, lists and empty maps), in file order. */
export function leaves(values: Plain, prefix: string[] = []): Array<{ path: string[]; value: unknown }> {
  return Object.entries(values).flatMap(([key, value]) => (isPlainObject(value) && Object.keys(value).length > 0
    ? leaves(value, [...prefix, key])
    : [{ path: [...prefix, key], value }]));
}
