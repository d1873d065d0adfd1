/**
 * The order Flux applies a customer's tree in, as a Mermaid flowchart: one box per tier
 * Kustomization holding its HelmReleases and the platform's workloads, a colour per tier, an
 * arrow per `dependsOn` that no longer path implies, and a note of what sets this customer
 * apart (access, mirrors, components switched off). Written to `dist/<customer>/README.md`,
 * which GitHub renders in pull requests; `npx astrago graph` prints the bare flowchart.
 */
import { releasedChart } from '../catalog/charts';
import type { CustomerConfig } from '../config/schema';
import { platformUrls } from '../config/urls';
import { entryFile, kustomizationStage, RELEASES_ROOT, STAGES, TIERS, type Tier } from '../model/layout';
import type { KubeObject } from '../model/objects';
import { owningKustomization, type PlacedObject } from './tree';

/** File name of the graph inside `dist/<customer>/`; not a Kubernetes object, so no kustomization.yaml lists it. */
export const README_FILE = 'README.md';

/** What sets one customer's graph apart from another's, in the reader's words. */
export interface GraphFacts {
  readonly customer: string;
  /** How users reach the platform: `https://demo.astrago.ai (domain, certificate from issuer letsencrypt)`. */
  readonly access: string;
  /** Where images, charts and this repository come from. */
  readonly sources: readonly string[];
  /** Components switched off for this customer. */
  readonly off: readonly string[];
  /**
   * The release the customer runs, and its ring (none when the customer pins the release).
   * @default - none: the repository has no rings, the catalog's pins apply
   */
  readonly release?: { readonly name: string; readonly ring?: string };
}

export function graphFacts(config: CustomerConfig): GraphFacts {
  const urls = platformUrls(config);
  const how = config.externalAccess.mode === 'ip' ? 'ip mode'
    : !urls.tls ? 'domain mode, no TLS'
      : urls.tlsIssuer ? `domain mode, certificate from issuer ${urls.tlsIssuer}` : `domain mode, certificate in Secret ${urls.tlsSecretName}`;
  const { offline } = config;
  return {
    customer: config.name,
    access: `${urls.baseUrl} (${how})`,
    sources: [
      `images from ${offline.registry ?? 'their public registries'}`,
      ...(offline.git ? [`Git (and the vendored charts) from ${offline.git}`] : []),
    ],
    off: Object.entries(config.components).filter(([, c]) => !c.enabled).map(([name]) => name).sort(),
    ...(config.release ? { release: { name: config.release, ...(config.ring ? { ring: config.ring } : {}) } } : {}),
  };
}

type Spec = {
  dependsOn?: Array<{ name: string; namespace?: string }>;
  timeout?: string;
  wait?: boolean;
  replicas?: number;
  chart?: { spec?: { chart?: string; version?: string } };
  template?: { spec?: { containers?: Array<{ image?: string }> } };
};
const spec = (o: KubeObject) => (o.spec ?? {}) as Spec;

const isFlux = (o: KubeObject, kind: string, group: string) => o.kind === kind && o.apiVersion.startsWith(`${group}/`);
const isKustomization = (o: KubeObject) => isFlux(o, 'Kustomization', 'kustomize.toolkit.fluxcd.io');
const isHelmRelease = (o: KubeObject) => isFlux(o, 'HelmRelease', 'helm.toolkit.fluxcd.io');
/** The platform's own workloads: plain manifests, so they show beside the charts. */
const isWorkload = (o: KubeObject) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.apiVersion === 'apps/v1';

/** Mermaid ids allow letters, digits and `_` only. */
const id = (prefix: string, ...parts: string[]) => `${prefix}_${parts.join('_').replace(/[^A-Za-z0-9]/g, '_')}`;
/** Label text: Mermaid ends a quoted label at `"`. */
const text = (s: string) => s.replace(/"/g, '#quot;');

/** A colour per tier (the prefix of its Kustomizations' names). */
export const TIER_STYLES = {
  infrastructure: 'fill:#dbeafe,stroke:#1d4ed8,color:#0b1f44',
  monitoring: 'fill:#dcfce7,stroke:#15803d,color:#0b2e17',
  security: 'fill:#fef3c7,stroke:#b45309,color:#3b2404',
  applications: 'fill:#fce7f3,stroke:#be185d,color:#3f0a22',
} as const satisfies Record<Tier, string>;
/** The tier of one of our Kustomizations; '' for any other (no colour, first in order). */
const tierOf = (kustomization: string): Tier | '' => kustomizationStage(kustomization)?.tier ?? '';
/** Tiers in order, a tier's controllers before the configs that use their CRDs. */
const applyOrder = (kustomization: string) => {
  const at = kustomizationStage(kustomization);
  return at ? TIERS.indexOf(at.tier) * STAGES.length + STAGES.indexOf(at.stage) : -1;
};

/** Edges implied by a longer path are dropped: the order stays, the clutter goes. */
function withoutImplied(edges: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> {
  const next = new Map<string, string[]>();
  for (const [from, to] of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const reachesWithout = (from: string, target: string, skip: readonly [string, string]) => {
    const seen = new Set<string>();
    const stack = [from];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      for (const n of next.get(node) ?? []) {
        if (node === skip[0] && n === skip[1]) continue;
        if (n === target) return true;
        if (!seen.has(n)) stack.push(n), seen.add(n);
      }
    }
    return false;
  };
  const unique = [...new Map(edges.map((e) => [e.join('>'), e])).values()];
  return unique.filter((e) => !reachesWithout(e[0], e[1], e));
}

/** Chart and version of a HelmRelease: of the vendored archive it names, or as a chart repository's are written. */
function chartOf(r: KubeObject): [string, string] {
  const chart = spec(r).chart?.spec;
  const released = releasedChart(chart?.chart ?? '');
  return released ? [released.entry.chart, released.version] : [chart?.chart ?? '?', chart?.version ?? '?'];
}

/** The Mermaid flowchart (without fences) of the objects of one customer. */
export function mermaidGraph(objects: readonly PlacedObject[], facts: GraphFacts): string {
  // The tiers only: the entry Kustomization that creates them is said once in the README, not drawn as an arrow to each.
  const kustomizations = objects.filter((p) => isKustomization(p.object) && tierOf(p.object.metadata.name)).map((p) => p.object)
    .sort((a, b) => applyOrder(a.metadata.name) - applyOrder(b.metadata.name) || a.metadata.name.localeCompare(b.metadata.name));
  const byName = (a: PlacedObject, b: PlacedObject) => a.object.metadata.name.localeCompare(b.object.metadata.name);
  const releases = objects.filter((p) => isHelmRelease(p.object)).sort(byName);
  const workloads = objects.filter((p) => isWorkload(p.object)).sort(byName);

  const lines = ['flowchart TD'];
  const details = [...(facts.release ? [`release ${facts.release.name} (${facts.release.ring ? `ring ${facts.release.ring}` : 'pinned'})`] : []), facts.access, ...facts.sources, ...(facts.off.length ? [`switched off: ${facts.off.join(', ')}`] : [])];
  lines.push(`  customer[["${text(facts.customer)}<br/>${details.map(text).join('<br/>')}"]]`);
  const classes = new Map<string, string[]>();
  const classify = (cls: string, node: string) => classes.set(cls, [...(classes.get(cls) ?? []), node]);
  classify('customer', 'customer');
  for (const k of kustomizations) {
    const ksId = id('ks', k.metadata.name);
    classify(tierOf(k.metadata.name), ksId);
    const { wait, timeout } = spec(k);
    const title = `${k.metadata.name}${wait ? ` · waits up to ${timeout}` : ''}`;
    const inside = (p: PlacedObject) => owningKustomization(objects, p.file) === k.metadata.name;
    const members = [
      ...releases.filter(inside).map(({ object: r }) => {
        return [id('hr', r.metadata.namespace ?? '', r.metadata.name), `HelmRelease ${r.metadata.namespace}/${r.metadata.name}<br/>${chartOf(r).join(' ')}`];
      }),
      ...workloads.filter(inside).map(({ object: w }) => {
        const replicas = spec(w).replicas ?? 1;
        const image = spec(w).template?.spec?.containers?.[0]?.image ?? '';
        return [id('wl', w.metadata.namespace ?? '', w.metadata.name), `${w.kind} ${w.metadata.namespace}/${w.metadata.name} ×${replicas}<br/>${image}`];
      }),
    ];
    if (members.length === 0) {
      lines.push(`  ${ksId}["Kustomization ${text(title)}"]`);
      continue;
    }
    lines.push(`  subgraph ${ksId}["Kustomization ${text(title)}"]`);
    for (const [node, label] of members) {
      lines.push(`    ${node}["${text(label)}"]`);
      classify(tierOf(k.metadata.name), node);
    }
    lines.push('  end');
  }
  const shown = new Set(kustomizations.map((k) => k.metadata.name));
  const edges: Array<readonly [string, string]> = [];
  for (const k of kustomizations) {
    for (const d of spec(k).dependsOn ?? []) if (shown.has(d.name)) edges.push([id('ks', d.name), id('ks', k.metadata.name)]);
  }
  for (const { object: r } of releases) {
    for (const d of spec(r).dependsOn ?? []) {
      edges.push([id('hr', d.namespace ?? r.metadata.namespace ?? '', d.name), id('hr', r.metadata.namespace ?? '', r.metadata.name)]);
    }
  }
  for (const [from, to] of withoutImplied(edges)) lines.push(`  ${from} --> ${to}`);
  const styles: Record<string, string> = { ...TIER_STYLES, customer: 'fill:#f4f4f5,stroke:#52525b,color:#18181b' };
  for (const [cls, style] of Object.entries(styles)) {
    const members = classes.get(cls);
    if (!members) continue;
    lines.push(`  classDef ${cls} ${style}`);
    lines.push(`  class ${members.join(',')} ${cls}`);
  }
  return lines.join('\n');
}

/** The README of `dist/<customer>/`: the graph and a table of the releases, in the order Flux applies them. */
/** Where the README says the customer's versions come from. */
function releaseLine(release: NonNullable<GraphFacts['release']>): string {
  const file = `\`${RELEASES_ROOT}/${release.name}.yaml\``;
  return release.ring
    ? `Versions come from release \`${release.name}\` (${file}), which ring \`${release.ring}\` runs (\`rings.yaml\`), unless the customer file sets one.`
    : `Versions come from release \`${release.name}\` (${file}), which the customer file pins outside the rings, unless it sets one.`;
}

export function customerReadme(source: string, objects: readonly PlacedObject[], facts: GraphFacts): string {
  const releases = objects.filter((p) => isHelmRelease(p.object))
    .map((p) => ({ r: p.object, owner: owningKustomization(objects, p.file) ?? '' }))
    .sort((a, b) => a.owner.localeCompare(b.owner) || a.r.metadata.name.localeCompare(b.r.metadata.name));
  return [
    `# ${facts.customer}`,
    '',
    `<!-- Generated by \`npx cdk8s synth\` from ${source}. Do not edit: change the customer file. -->`,
    '',
    `Flux applies this tree from \`${entryFile(facts.customer)}\`, which creates one Kustomization per tier box`,
    'below (a colour per tier). An arrow is a `dependsOn`: its source is Ready before its target starts',
    '(arrows implied by a longer path are left out). Each Kustomization that waits is Ready only when every',
    'HelmRelease and workload inside it is. The grey box is what sets this customer apart.',
    `\`npx astrago graph ${facts.customer}\` prints the same flowchart.`,
    '',
    ...(facts.release ? [releaseLine(facts.release), ''] : []),
    '```mermaid',
    mermaidGraph(objects, facts),
    '```',
    '',
    '| Kustomization | HelmRelease | Chart | Version |',
    '|---|---|---|---|',
    ...releases.map(({ r, owner }) => `| ${owner} | ${r.metadata.namespace}/${r.metadata.name} | ${chartOf(r).join(' | ')} |`),
    '',
  ].join('\n');
}
