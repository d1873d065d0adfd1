/**
 * A new customer file from a few answers (the flags of `init` or its wizard). The answers
 * become a customer document that goes through the same loader and schema as synth, so
 * `init` accepts exactly what synth accepts and reports problems in the same words.
 */
import { stringify } from 'yaml';
import { customerFile } from '../model/layout';
import { JSON_SCHEMA_FILE } from './json-schema';
import { loadCustomerText, type LoadedCustomer, type Problem } from './load';
import type { ReleaseResolver } from './releases';
import { dns1123Label, IngressController, type PROFILES } from './schema';

/**
 * The ingress controller of a customer `init` creates: the maintained one. The schema's default
 * (ingress-nginx) stays what a file without `ingress.controller` gets, so existing customers keep
 * their controller until they switch (docs/ingress-traefik.md).
 */
export const NEW_CUSTOMER_INGRESS_CONTROLLER: IngressController = IngressController.TRAEFIK;

export interface NewCustomer {
  /** Customer name: the file name and dist/ folder, a DNS-1123 label. */
  readonly name: string;
  /** Address users reach (ip mode), or the LoadBalancer IP in domain mode. */
  readonly ip?: string;
  /** DNS name users reach; switches the customer to domain mode. */
  readonly domain?: string;
  /** cert-manager ClusterIssuer that issues the TLS certificate (enables TLS). */
  readonly tlsIssuer?: string;
  /** Existing TLS Secret (enables TLS). */
  readonly tlsSecret?: string;
  readonly nfsServer?: string;
  readonly nfsPath?: string;
  /** Mirror registry of an air-gapped customer. */
  readonly offlineRegistry?: string;
  readonly profile?: (typeof PROFILES)[number];
  /** age public key the customer's credentials are encrypted for. */
  readonly ageRecipient?: string;
  /** The cluster's Kubernetes version (`x.y.z`). @default - the schema's DEFAULT_KUBERNETES_VERSION */
  readonly kubernetesVersion?: string;
  /** Ingress controller. @default NEW_CUSTOMER_INGRESS_CONTROLLER */
  readonly ingressController?: IngressController;
  /** Ring of the fleet (rings.yaml). @default - none written: the schema's default ring */
  readonly ring?: string;
}

/** The key of the customer file each answer sets; `init` names problems by its flag. */
export const ANSWER_KEYS: Record<Exclude<keyof NewCustomer, 'name'>, string> = {
  ip: 'externalAccess.ip.address',
  domain: 'externalAccess.domain.name',
  tlsIssuer: 'externalAccess.domain.tls.issuer',
  tlsSecret: 'externalAccess.domain.tls.secretName',
  nfsServer: 'nfs.server',
  nfsPath: 'nfs.basePath',
  offlineRegistry: 'offline.registry',
  profile: 'profile',
  ageRecipient: 'secrets.ageRecipients',
  ingressController: 'ingress.controller',
  kubernetesVersion: 'kubernetesVersion',
  ring: 'ring',
};

/** The customer document: only what differs from the defaults, as a person would write it. */
export function customerDocument(c: NewCustomer): Record<string, unknown> {
  const tls = c.tlsIssuer || c.tlsSecret;
  const doc: Record<string, unknown> = {};
  if (c.ring) doc.ring = c.ring;
  if (c.profile) doc.profile = c.profile;
  if (c.kubernetesVersion) doc.kubernetesVersion = c.kubernetesVersion;
  doc.externalAccess = {
    mode: c.domain ? 'domain' : 'ip',
    ...(c.ip ? { ip: { address: c.ip } } : {}),
    ...(c.domain ? { domain: { name: c.domain, ...(tls ? { tls: { enabled: true, issuer: c.tlsIssuer, secretName: c.tlsSecret } } : {}) } } : {}),
  };
  // Written out even when it is the default of new customers: the schema's default differs.
  doc.ingress = { controller: c.ingressController ?? NEW_CUSTOMER_INGRESS_CONTROLLER };
  doc.nfs = { server: c.nfsServer, basePath: c.nfsPath };
  if (c.offlineRegistry) doc.offline = { registry: c.offlineRegistry };
  if (c.ageRecipient) doc.secrets = { ageRecipients: [c.ageRecipient] };
  return doc;
}

/** The file `init` writes: editor schema line, a comment saying where it came from, the document. */
export function customerFileText(c: NewCustomer): string {
  const url = c.domain ? `${c.tlsIssuer || c.tlsSecret ? 'https' : 'http'}://${c.domain}` : `http://${c.ip}`;
  return [
    `# yaml-language-server: $schema=../${JSON_SCHEMA_FILE}`,
    `# ${c.name}: reached on ${url}. Created by \`npx astrago init\`; edit freely.`,
    stringify(customerDocument(c), { lineWidth: 0 }),
  ].join('\n');
}

/** Problems of the name itself (the loader reports it without a key). */
export function nameProblem(name: string): string | undefined {
  const r = dns1123Label.safeParse(name);
  return r.success ? undefined : `expected ${r.error.issues[0].message}, found ${JSON.stringify(name)}`;
}

/** Loads the file `init` would write, exactly as synth would load it. */
export function loadNewCustomer(c: NewCustomer, releases?: ReleaseResolver): LoadedCustomer {
  return loadCustomerText(customerFileText(c), c.name, customerFile(c.name), releases);
}

/**
 * Problems of one answer alone, for the wizard to show while it is typed: the answer is
 * loaded through the schema and only problems at its own key count.
 */
export function answerProblems(answer: Exclude<keyof NewCustomer, 'name'>, value: string): Problem[] {
  const loaded = loadNewCustomer({ name: 'check', [answer]: value, ...(answer.startsWith('tls') ? { domain: 'example.com' } : {}) });
  return loaded.errors.filter((e) => e.path === ANSWER_KEYS[answer] || e.path.startsWith(`${ANSWER_KEYS[answer]}.`));
}
