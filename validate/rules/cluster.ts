/**
 * Consistency of the objects with each other, as the cluster will see them: namespaces exist
 * before what lives in them, Services find pods, Ingresses find Services, PVCs find storage
 * classes, and every ConfigMap/Secret reference resolves (or is declared existing).
 */
import { fieldsOf, listOf, type Fields } from '../../model/fields';
import type { ValidationContext } from '../model/context';
import type { Finding } from '../model/finding';
import { EXISTING_NAMESPACES } from '../model/kinds';
import { formatRef, refOf, specOf, type Manifest, type ObjectRef } from '../model/manifest';
import { containersOf, podTemplates, type PodTemplate } from '../model/pod-specs';
import { defineRule, type Rule } from './rule';

const nsOf = (m: Manifest) => m.object.metadata.namespace;

const uniqueIdentity = defineRule('cluster/duplicate', {
  description: 'no two objects share kind, namespace and name',
  check: (ctx, findings) => {
    const seen = new Set<string>();
    return ctx.manifests.flatMap((m) => {
      const key = formatRef(refOf(m.object));
      if (!seen.has(key)) {
        seen.add(key);
        return [];
      }
      const first = ctx.find(refOf(m.object))[0];
      return [findings.on(m, `expected one object with this identity, found another in ${first.file}`)];
    });
  },
});

const namespaceExists = defineRule('cluster/namespace', {
  description: 'every namespaced object names a namespace created in its own Kustomization or one it depends on',
  check: (ctx, findings) => ctx.manifests.filter((m) => ctx.isNamespaced(m.object)).flatMap((m): Finding[] => {
    const ns = nsOf(m);
    if (!ns) return [findings.on(m, 'metadata.namespace: expected a namespace, found none (it would land in whatever namespace applies it)')];
    if (EXISTING_NAMESPACES.has(ns) || ctx.exists({ kind: 'Namespace', name: ns })) {
      const created = ctx.find({ kind: 'Namespace', name: ns });
      if (created.length === 0) return [];
      const late = ctx.appliersOf(m.file).filter((a) => !created.some((c) => ctx.appliersOf(c.file).some((ca) => ctx.appliedBefore(ca, a))));
      if (late.length === 0) return [];
      const where = created.flatMap((c) => ctx.appliersOf(c.file)).map((ca) => ca.ref.name).join(', ') || 'no Kustomization';
      return [findings.on(m, `namespace ${ns}: expected it created by ${late[0].ref.name} or a Kustomization it depends on, found it created by ${where}`)];
    }
    return [findings.on(m, `namespace ${ns}: expected a Namespace object in the tree, found none`)];
  }),
});

/** Namespaces a HelmRelease installs into: their Services and pods are invisible here. */
function chartNamespaces(ctx: ValidationContext): Set<string> {
  return new Set(ctx.ofFluxKind('HelmRelease').map((m) => specOf(m).targetNamespace ?? nsOf(m)));
}

const ingressBackends = defineRule('cluster/ingress-backend', {
  description: 'every Ingress backend names an existing Service and one of its ports',
  check: (ctx, findings) => {
    const charts = chartNamespaces(ctx);
    return ctx.ofKind('Ingress').flatMap((m) => {
      const spec = specOf(m);
      const backends: Array<{ path: string; service?: { name: string; port?: { name?: string; number?: number } } }> = [
        ...(spec.defaultBackend ? [{ path: 'spec.defaultBackend', service: spec.defaultBackend.service }] : []),
        ...listOf(spec.rules).flatMap((r, i) => listOf(r.http?.paths).map((p, j) => ({ path: `spec.rules[${i}].http.paths[${j}].backend`, service: p.backend?.service }))),
      ];
      return backends.flatMap(({ path, service }): Finding[] => {
        if (!service) return [];
        const target = ctx.find({ kind: 'Service', namespace: nsOf(m), name: service.name })[0];
        if (!target) {
          return charts.has(nsOf(m) ?? '') ? [] : [findings.on(m, `${path}.service: expected Service ${nsOf(m)}/${service.name}, found no such object`)];
        }
        const ports = listOf(specOf(target).ports);
        const port = service.port ?? {};
        const ok = ports.some((p) => (port.name !== undefined && p.name === port.name) || (port.number !== undefined && p.port === port.number));
        const wanted = port.name ?? port.number;
        return ok ? [] : [findings.on(m, `${path}.service.port: expected a port of Service ${service.name} (${ports.map((p) => p.name ?? p.port).join(', ')}), found ${wanted}`)];
      });
    });
  },
});

const serviceSelectors = defineRule('cluster/service-selector', {
  description: "every Service selector matches the pods of a workload in the Service's namespace",
  check: (ctx, findings) => {
    const charts = chartNamespaces(ctx);
    const templates = new Map<string, PodTemplate[]>();
    for (const m of ctx.manifests) templates.set(nsOf(m) ?? '', [...(templates.get(nsOf(m) ?? '') ?? []), ...podTemplates(m.object)]);
    return ctx.ofKind('Service').flatMap((m) => {
      const selector = fieldsOf(specOf(m).selector);
      if (Object.keys(selector).length === 0 || charts.has(nsOf(m) ?? '')) return [];
      const matches = (templates.get(nsOf(m) ?? '') ?? []).some((t) => Object.entries(selector).every(([k, v]) => t.labels[k] === v));
      const text = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
      return matches ? [] : [findings.on(m, `spec.selector: expected pods labelled ${text} in ${nsOf(m)}, found none`)];
    });
  },
});

const storageClasses = defineRule('cluster/storage-class', {
  description: 'every PVC (and volumeClaimTemplate) names an existing StorageClass',
  check: (ctx, findings) => ctx.manifests.flatMap((m) => {
    const claims: Array<{ path: string; spec: Fields }> = m.object.kind === 'PersistentVolumeClaim'
      ? [{ path: 'spec', spec: specOf(m) }]
      : listOf(specOf(m).volumeClaimTemplates).map((t, i) => ({ path: `spec.volumeClaimTemplates[${i}].spec`, spec: t.spec ?? {} }));
    return claims.filter((c) => c.spec.storageClassName && !ctx.exists({ kind: 'StorageClass', name: c.spec.storageClassName }))
      .map((c) => findings.on(m, `${c.path}.storageClassName: expected an existing StorageClass, found "${c.spec.storageClassName}"`));
  }),
});

interface ConfigRef {
  readonly path: string;
  readonly ref: ObjectRef;
  readonly optional: boolean;
}

/** Every ConfigMap/Secret an object reads, wherever its kind keeps the reference. */
function configRefs(m: Manifest): ConfigRef[] {
  const ns = nsOf(m);
  const refs: ConfigRef[] = [];
  const add = (path: string, kind: 'ConfigMap' | 'Secret', name: string | undefined, optional = false) => {
    if (name) refs.push({ path, ref: { kind, namespace: ns, name }, optional });
  };
  for (const t of podTemplates(m.object)) {
    (t.spec.imagePullSecrets ?? []).forEach((s, i) => add(`${t.path}.imagePullSecrets[${i}]`, 'Secret', s.name));
    (t.spec.volumes ?? []).forEach((v, i) => {
      const at = `${t.path}.volumes[${i}]`;
      add(`${at}.configMap`, 'ConfigMap', v.configMap?.name, v.configMap?.optional);
      add(`${at}.secret`, 'Secret', v.secret?.secretName, v.secret?.optional);
      listOf(v.projected?.sources).forEach((s, j) => {
        add(`${at}.projected.sources[${j}].configMap`, 'ConfigMap', s.configMap?.name, s.configMap?.optional);
        add(`${at}.projected.sources[${j}].secret`, 'Secret', s.secret?.name, s.secret?.optional);
      });
    });
    for (const { path, container } of containersOf(t)) {
      (container.env ?? []).forEach((e, i) => {
        add(`${path}.env[${i}].valueFrom.configMapKeyRef`, 'ConfigMap', e.valueFrom?.configMapKeyRef?.name, e.valueFrom?.configMapKeyRef?.optional);
        add(`${path}.env[${i}].valueFrom.secretKeyRef`, 'Secret', e.valueFrom?.secretKeyRef?.name, e.valueFrom?.secretKeyRef?.optional);
      });
      (container.envFrom ?? []).forEach((e, i) => {
        add(`${path}.envFrom[${i}].configMapRef`, 'ConfigMap', e.configMapRef?.name, e.configMapRef?.optional);
        add(`${path}.envFrom[${i}].secretRef`, 'Secret', e.secretRef?.name, e.secretRef?.optional);
      });
    }
  }
  const spec = specOf(m);
  const annotations = (fieldsOf(m.object.metadata)).annotations ?? {};
  switch (m.object.kind) {
    case 'Ingress':
      // cert-manager creates the TLS Secret of an Ingress that names an issuer.
      if (!annotations['cert-manager.io/cluster-issuer'] && !annotations['cert-manager.io/issuer']) {
        listOf(spec.tls).forEach((t, i) => add(`spec.tls[${i}].secretName`, 'Secret', t.secretName));
      }
      break;
    case 'Kustomization':
      add('spec.decryption.secretRef', 'Secret', spec.decryption?.secretRef?.name);
      listOf(spec.postBuild?.substituteFrom).forEach((s, i) => add(`spec.postBuild.substituteFrom[${i}]`, s.kind, s.name, s.optional));
      break;
    case 'HelmRepository':
    case 'GitRepository':
    case 'OCIRepository':
      add('spec.secretRef', 'Secret', spec.secretRef?.name);
      add('spec.certSecretRef', 'Secret', spec.certSecretRef?.name);
      break;
  }
  return refs;
}

const configReferences = defineRule('cluster/config-ref', {
  description: 'every ConfigMap/Secret reference resolves to an object in the tree or one declared existing',
  check: (ctx, findings) => ctx.manifests.flatMap((m) => configRefs(m).filter((r) => !r.optional && !ctx.exists(r.ref))
    .map((r) => findings.on(m, `${r.path}: expected ${formatRef(r.ref)}, found no such object (add it, or declare it existing in the customer file)`))),
});

/**
 * The API server's limit on a Secret's or ConfigMap's data: 1 MiB (`MaxSecretSize`, which
 * `ValidateConfigMap` applies too), counted as every key's length plus every value's bytes
 * (k8s.io/kubernetes pkg/apis/core/validation/validation.go). Over it, Flux's apply fails.
 */
export const MAX_DATA_BYTES = 1024 * 1024;

/** What a value in `data`/`binaryData` (base64) or `stringData` amounts to once the API server holds it; a SOPS value as it decrypts. */
function valueBytes(value: unknown, base64: boolean): number {
  if (typeof value !== 'string') return 0;
  // SOPS's ciphertext is as long as the plain text it replaced: under data, the base64 text.
  const sops = /^ENC\[AES256_GCM,data:([A-Za-z0-9+/=]*),/.exec(value);
  const text = sops ? Buffer.from(sops[1], 'base64').length : undefined;
  if (!base64) return text ?? Buffer.byteLength(value, 'utf8');
  return text !== undefined ? Math.floor((text * 3) / 4) : Buffer.from(value, 'base64').length;
}

const dataSize = defineRule('cluster/data-size', {
  description: `every Secret and ConfigMap holds at most ${MAX_DATA_BYTES} bytes of data (keys and values), the API server's limit`,
  check: (ctx, findings) => ctx.manifests.filter((m) => m.object.kind === 'Secret' || m.object.kind === 'ConfigMap').flatMap((m) => {
    const o = fieldsOf(m.object);
    const fields: Array<[string, boolean]> = m.object.kind === 'Secret' ? [['data', true], ['stringData', false]] : [['data', false], ['binaryData', true]];
    const size = fields.reduce((total, [field, base64]) => total + Object.entries(fieldsOf(o[field]))
      .reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + valueBytes(value, base64), 0), 0);
    return size > MAX_DATA_BYTES
      ? [findings.on(m, `data: expected at most ${MAX_DATA_BYTES} bytes (the API server's limit for a ${m.object.kind}), found ${size}: Flux cannot apply it`)]
      : [];
  }),
});

export const CLUSTER_RULES: readonly Rule[] = [
  uniqueIdentity, namespaceExists, ingressBackends, serviceSelectors, storageClasses, configReferences, dataSize,
];
