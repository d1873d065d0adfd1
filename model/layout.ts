/**
 * The layout of the repository, the one place that names its folders: `customers/` (the files
 * users edit), `credentials/<customer>/` (the encrypted stores), `dist/<customer>/` (what Flux
 * applies, tier by tier, with `dist/<customer>/flux/` holding the tier Kustomizations),
 * `flux/<customer>/` (the entry point `flux bootstrap` picks up), `.astrago/` (synth's own work
 * files), `vendor/` and `releases/`. It alone turns a chart's placement into a path or an id.
 * A leaf module: everything may import it, it imports nothing of the project.
 *
 * Tiers and stages: where a component lives decides when Flux applies it.
 *
 * Each tier is a folder of `dist/<customer>/` applied by Flux Kustomizations chained with
 * `dependsOn` in this order. A tier's `controllers` stage holds the charts and operators; its
 * `configs` stage holds what needs them Ready first, so it runs after them.
 */
export const TIERS = ['infrastructure', 'monitoring', 'security', 'applications'] as const;
export type Tier = (typeof TIERS)[number];

export const Stage = {
  /** HelmReleases and the plain objects that travel with them. */
  CONTROLLERS: 'controllers',
  /**
   * What needs the tier's controllers Ready: custom resources of the CRDs they install (Traefik
   * middlewares, ServiceMonitors, PrometheusRules), dashboards Grafana picks up, and the platform's
   * workloads with their Secrets (the backends watch MPIJobs of the MPI operator).
   */
  CONFIGS: 'configs',
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

/** Name of the Flux Kustomization that applies one stage of a tier, e.g. `monitoring-configs`. */
export function stageKustomizationName(tier: Tier, stage: Stage): string {
  return `${tier}-${stage}`;
}

/** The stages in the order Flux applies them within a tier. */
export const STAGES: readonly Stage[] = [Stage.CONTROLLERS, Stage.CONFIGS];

/** Every tier and stage by the name of the Kustomization applying it, for readers of a tree that has only the names. */
const KUSTOMIZATION_STAGES = new Map(TIERS.flatMap((tier) => STAGES.map((stage) => [stageKustomizationName(tier, stage), { tier, stage }] as const)));

/** The tier and stage one of our Kustomizations applies; undefined for any other name. */
export function kustomizationStage(name: string): { readonly tier: Tier; readonly stage: Stage } | undefined {
  return KUSTOMIZATION_STAGES.get(name);
}

/**
 * Where a chart of a customer's tree is written, as data: its readers ask this, never the path.
 * Only this module turns a placement into a file (`placementFile`) or a construct id (`placementId`).
 */
export type Placement =
  /** A component of one stage of a tier: `dist/<customer>/<tier>/<stage>/<component>.yaml`. */
  | { readonly kind: 'component'; readonly tier: Tier; readonly stage: Stage; readonly component: string }
  /** The Kustomizations applying the stages of one tier: `dist/<customer>/flux/<tier>.yaml`. */
  | { readonly kind: 'flux'; readonly tier: Tier }
  /** The cluster entry point: `flux/<customer>/astrago.yaml`. */
  | { readonly kind: 'entry' };

/** A placement of kind `component`. */
export type ComponentPlacement = Extract<Placement, { kind: 'component' }>;

/** File a placement is written to, relative to the repository root. */
export function placementFile(customer: string, placement: Placement): string {
  switch (placement.kind) {
    case 'component': return `${stagePath(customer, placement.tier, placement.stage)}/${placement.component}.yaml`;
    case 'flux': return `${tierKustomizationsFolder(customer)}/${placement.tier}.yaml`;
    case 'entry': return entryFile(customer);
  }
}

/** Construct id of the chart of a placement, unique within a customer's app. */
export function placementId(placement: Placement): string {
  switch (placement.kind) {
    case 'component': return `${placement.tier}-${placement.stage}-${placement.component}`;
    case 'flux': return `flux-${placement.tier}`;
    case 'entry': return 'entry';
  }
}

/** Namespace of every Flux object we emit that is not a HelmRelease. */
export const FLUX_NAMESPACE = 'flux-system';

/** Folder of every customer's tree, relative to the repository root. */
export const DIST_ROOT = 'dist';
/** Folder of every customer's Flux entry point, relative to the repository root. */
export const FLUX_ROOT = 'flux';

/** Folder of every customer file, relative to the repository root. */
export const CUSTOMERS_ROOT = 'customers';

/** A customer's file, the one input a user edits, relative to the repository root. */
export function customerFile(customer: string): string {
  return `${CUSTOMERS_ROOT}/${customer}.yaml`;
}

/** The `.yml` spelling of a customer's file: synth reads only `.yaml` and refuses a customer with both. */
export function customerFileYml(customer: string): string {
  return `${CUSTOMERS_ROOT}/${customer}.yml`;
}

/** The report of a customer's import, kept beside its customer file (to commit with it: the record of what the move did with each old key). */
export function importReportFile(customer: string): string {
  return `${CUSTOMERS_ROOT}/${customer}.import-report.txt`;
}

/** Top folder of every customer's credential store, relative to the repository root. */
export const CREDENTIALS_FOLDER = 'credentials';

/**
 * Folder of a customer's credential store, relative to the repository root; for a name already
 * checked to be a DNS-1123 label (`secrets/credential-store.ts` `credentialStoreDir` checks it).
 */
export function credentialStoreFolder(customer: string): string {
  return `${CREDENTIALS_FOLDER}/${customer}`;
}

/**
 * The names of removed customers, committed beside their stores (`remove` writes it): synth
 * never mints credentials for them again, whatever git history this checkout has (a shallow
 * clone or a copy without `.git` has none to show that the store existed).
 */
export const RETIRED_FILE = `${CREDENTIALS_FOLDER}/retired.yaml`;

/** Where synth keeps its lock, staging, temporary files and input records: same file system, never committed. */
export const WORK_FOLDER = '.astrago';
/** Temporary files of atomic writes, renamed into place from here. */
export const WORK_TMP_FOLDER = `${WORK_FOLDER}/tmp`;
/** Customers' trees and stores staged whole before they replace the committed ones. */
export const STAGING_FOLDER = `${WORK_FOLDER}/staging`;
/** Held by the one synth that writes the repository. */
export const SYNTH_LOCK = `${WORK_FOLDER}/synth.lock`;
/** Folder of the inputs and written files recorded by the last synth, one record per customer. */
export const INPUT_RECORDS_FOLDER = `${WORK_FOLDER}/inputs`;
/** The sha256 of the `rings.yaml` synth last checked whole: a run that finds another checks it again. */
export const RINGS_CHECKED_FILE = `${INPUT_RECORDS_FOLDER}/rings.sha256`;

/** The record of a customer's last synth. */
export function inputRecordFile(customer: string): string {
  return `${INPUT_RECORDS_FOLDER}/${customer}.json`;
}

/** Where `import` stages a customer's file and store before moving them in. */
export function importStagingFolder(customer: string): string {
  return `${WORK_FOLDER}/import-${customer}`;
}

/** The customer a repository path belongs to, for the four per-customer folders; undefined for any other path. */
export function customerOfPath(file: string): string | undefined {
  const [top, second] = file.split('/');
  if (top === CUSTOMERS_ROOT) return /^(.+)\.ya?ml$/.exec(second ?? '')?.[1];
  return [CREDENTIALS_FOLDER, DIST_ROOT, FLUX_ROOT].includes(top) && second ? second : undefined;
}

/** Folder of a customer's tree, relative to the repository root. */
export function customerDistFolder(customer: string): string {
  return `${DIST_ROOT}/${customer}`;
}

/** Folder of `dist/<customer>/` holding the Kustomizations of every tier, the only one its kustomization.yaml lists. */
export const TIER_KUSTOMIZATIONS_FOLDER = 'flux';

/** `dist/<customer>/flux`, relative to the repository root. */
function tierKustomizationsFolder(customer: string): string {
  return `${customerDistFolder(customer)}/${TIER_KUSTOMIZATIONS_FOLDER}`;
}

/** Folder of one stage of a tier, e.g. `dist/acme/monitoring/configs`, relative to the repository root. */
export function stagePath(customer: string, tier: Tier, stage: Stage): string {
  return `${customerDistFolder(customer)}/${tier}/${stage}`;
}

/** Folder of a customer's entry point, relative to the repository root. */
export function customerFluxFolder(customer: string): string {
  return `${FLUX_ROOT}/${customer}`;
}

/** The GitRepository and Kustomization `flux bootstrap` creates, both named flux-system. */
export const BOOTSTRAP_NAME = 'flux-system';

/** What `flux bootstrap` writes into `flux/<customer>/` and the writer keeps. */
export function bootstrapFolder(customer: string): string {
  return `${customerFluxFolder(customer)}/${BOOTSTRAP_NAME}`;
}

/** Name of the Kustomization in `flux/<customer>/` that points Flux at `dist/<customer>`. */
export const ENTRY_KUSTOMIZATION = 'astrago';

/** The cluster entry point `flux bootstrap --path=flux/<customer>` picks up, relative to the repository root. */
export function entryFile(customer: string): string {
  return `${customerFluxFolder(customer)}/${ENTRY_KUSTOMIZATION}.yaml`;
}

/**
 * What the repository vendors, so that a clone needs nothing beside it: the charts Flux installs
 * (from the repository it already syncs) and the schemas `validate` reads, each recorded with its
 * sha256 and origin in the lock.
 */
export const VENDOR_ROOT = 'vendor';
/** The lock of every vendored artifact, relative to the repository root. */
export const VENDOR_LOCK = `${VENDOR_ROOT}/lock.yaml`;
/** Folder of the vendored chart archives, relative to the repository root. */
export const VENDORED_CHARTS = `${VENDOR_ROOT}/charts`;
/** Folder of the vendored schemas (`kubernetes/`, `crds/`), relative to the repository root. */
export const VENDORED_SCHEMAS = `${VENDOR_ROOT}/schemas`;

/**
 * A vendored chart archive, relative to the repository root. `.tgz`, never `.tar.gz`: Flux's
 * source-controller leaves `*.tar.gz` out of every GitRepository artifact by default.
 */
export function vendoredChartFile(chart: string, version: string): string {
  return `${VENDORED_CHARTS}/${chart}-${version}.tgz`;
}

/**
 * Releases and rings: `releases/<name>.yaml` is an immutable, named set of versions (every chart,
 * the platform images and their generation, the other pinned images); `rings.yaml` says which
 * release each ring of customers runs, in rollout order.
 */
export const RELEASES_ROOT = 'releases';
/** The rings of the fleet, relative to the repository root. */
export const RINGS_FILE = 'rings.yaml';

/** A release's file, relative to the repository root. */
export function releaseFile(name: string): string {
  return `${RELEASES_ROOT}/${name}.yaml`;
}
