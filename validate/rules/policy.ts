/**
 * Policy: what we never ship to a customer, whatever Kubernetes would accept — floating
 * images, plain-text secrets, cluster-admin bindings, databases on NodePorts, containers
 * without requests, and data volumes Flux could prune.
 */
import { fieldsOf, listOf, type Fields } from '../../model/fields';
import type { Finding } from '../model/finding';
import { specOf } from '../model/manifest';
import { containersOf, podTemplates } from '../model/pod-specs';
import { defineRule, type Rule } from './rule';


/** `name[:tag][@digest]`: the tag is what follows the last `:` after the last `/`. */
export function imageProblem(image: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : undefined;
  if (!tag) return 'no tag or digest';
  if (tag === 'latest') return 'the floating tag latest';
  return undefined;
}

const pinnedImages = defineRule('policy/image-ref', {
  description: 'every container image carries a tag or digest, never :latest',
  check: (ctx, findings) => ctx.manifests.flatMap((m) => podTemplates(m.object).flatMap(containersOf)
    .flatMap(({ path, container }) => {
      const problem = container.image === undefined ? 'no image' : imageProblem(container.image);
      return problem ? [findings.on(m, `${path}.image: expected a pinned tag or digest, found ${problem} in "${container.image ?? ''}"`)] : [];
    })),
});

/** A value SOPS encrypted: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]`. */
export const SOPS_VALUE = /^ENC\[[A-Z0-9_]+,data:.*\]$/s;

/** Not run on what a chart renders: chart Secrets never sit in the repository. */
export const ENCRYPTED_SECRETS = defineRule('policy/plaintext-secret', {
  description: 'every Secret is SOPS-encrypted: a sops block and only encrypted data values',
  check: (ctx, findings) => ctx.ofKind('Secret').flatMap((m): Finding[] => {
    const o: Fields = m.object;
    const fields = ['data', 'stringData'].flatMap((f) => Object.entries(fieldsOf(o[f])).map(([k, v]) => ({ path: `${f}.${k}`, v })));
    if (fields.length === 0) return [];
    if (!o.sops) return [findings.on(m, `${fields[0].path}: expected SOPS-encrypted data, found plain text and no sops block`)];
    return fields.filter((f) => typeof f.v !== 'string' || !SOPS_VALUE.test(f.v))
      .map((f) => findings.on(m, `${f.path}: expected a SOPS-encrypted value (ENC[…]), found plain text`));
  }),
});

const noClusterAdmin = defineRule('policy/cluster-admin', {
  description: 'nothing is bound to cluster-admin',
  check: (ctx, findings) => ctx.ofKind('ClusterRoleBinding', 'RoleBinding')
    .filter((m) => fieldsOf(m.object.roleRef).kind === 'ClusterRole' && fieldsOf(m.object.roleRef).name === 'cluster-admin')
    .map((m) => findings.on(m, 'roleRef: expected a least-privilege role, found ClusterRole cluster-admin')),
});

/** Ports and names that mean a database (MySQL/MariaDB, PostgreSQL, Redis, MongoDB, …). */
const DATABASE_PORTS: ReadonlySet<number> = new Set([3306, 5432, 6379, 27017, 9042, 1521, 1433, 26257]);
const DATABASE_NAME = /mariadb|mysql|postgres|redis|mongo|cassandra|database|(^|[-_.])db($|[-_.])/i;

/** Paths in Helm values where a service is made a NodePort, e.g. `mariadb.primary.service`. */
function nodePortsInValues(values: unknown, at = ''): string[] {
  if (typeof values !== 'object' || values === null) return [];
  if (Array.isArray(values)) return values.flatMap((v, i) => nodePortsInValues(v, `${at}[${i}]`));
  return Object.entries(values).flatMap(([k, v]) => {
    const path = at ? `${at}.${k}` : k;
    return k === 'type' && v === 'NodePort' ? [at] : nodePortsInValues(v, path);
  });
}

const noDatabaseNodePort = defineRule('policy/database-nodeport', {
  description: 'no database is exposed on a NodePort',
  check: (ctx, findings) => [
    ...ctx.ofKind('Service').filter((m) => specOf(m).type === 'NodePort').flatMap((m) => {
      const ports = listOf(specOf(m).ports);
      const db = ports.find((p) => DATABASE_PORTS.has(p.port ?? -1) || DATABASE_PORTS.has(Number(p.targetPort)) || DATABASE_NAME.test(p.name ?? ''))
        ?? (DATABASE_NAME.test(m.object.metadata.name) ? ports[0] : undefined);
      return db ? [findings.on(m, `spec.type: expected ClusterIP for a database service (port ${db.name ?? db.port}), found NodePort`)] : [];
    }),
    ...ctx.ofFluxKind('HelmRelease').flatMap((m) => {
      const chart: string = specOf(m).chart?.spec?.chart ?? '';
      return nodePortsInValues(specOf(m).values).filter((p) => DATABASE_NAME.test(p) || DATABASE_NAME.test(chart))
        .map((p) => findings.on(m, `spec.values.${p}.type: expected ClusterIP for a database service, found NodePort`));
    }),
  ],
});

const resourceRequests = defineRule('policy/resource-requests', {
  description: 'every container requests cpu and memory',
  check: (ctx, findings) => ctx.manifests.flatMap((m) => podTemplates(m.object).flatMap(containersOf).flatMap(({ path, container }) => {
    const missing = ['cpu', 'memory'].filter((r) => container.resources?.requests?.[r] === undefined);
    return missing.length === 0 ? [] : [findings.on(m, `${path}.resources.requests: expected ${missing.join(' and ')}, found none`)];
  })),
});

/** Flux leaves objects with this annotation in place when they leave the tree. */
export const PRUNE_DISABLED = { key: 'kustomize.toolkit.fluxcd.io/prune', value: 'disabled' } as const;

/** Not run on what a chart renders: Helm, not Flux, prunes chart PVCs. */
export const PROTECTED_VOLUMES = defineRule('policy/pvc-prune', {
  description: 'PVCs (which hold data) are protected from Flux pruning',
  check: (ctx, findings) => ctx.ofKind('PersistentVolumeClaim')
    .filter((m) => (fieldsOf(m.object.metadata)).annotations?.[PRUNE_DISABLED.key] !== PRUNE_DISABLED.value)
    .map((m) => findings.on(m, `metadata.annotations: expected ${PRUNE_DISABLED.key}: ${PRUNE_DISABLED.value}, found none (removing the object from git would delete the data)`)),
});

export const POLICY_RULES: readonly Rule[] = [
  pinnedImages, ENCRYPTED_SECRETS, noClusterAdmin, noDatabaseNodePort, resourceRequests, PROTECTED_VOLUMES,
];
