import { Construct } from 'constructs';
import type { ChartEntry } from '../../catalog/charts';
import {
  HelmRelease as HelmReleaseL1,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
  HelmReleaseSpecUpgradeRemediationStrategy,
  HelmReleaseSpecValuesFromKind,
} from '../../imports/helm.toolkit.fluxcd.io';
import { BOOTSTRAP_NAME, FLUX_NAMESPACE, vendoredChartFile } from '../../model/layout';

/** Kinds a HelmRelease can read values from; the object must sit in the release's namespace. */
export const ValuesFromKind = HelmReleaseSpecValuesFromKind;

export interface ValuesReference {
  /** ConfigMap or Secret. */
  readonly kind: HelmReleaseSpecValuesFromKind;
  /** Name of the object, in the HelmRelease's namespace. */
  readonly name: string;
  /**
   * Key of the object that holds the values.
   * @default 'values.yaml'
   */
  readonly valuesKey?: string;
  /**
   * Values path the key's content is written to (a single value instead of a values document).
   * @default - the key holds a values document merged at the top
   */
  readonly targetPath?: string;
}

export interface HelmReleaseProps {
  /** Catalog entry: chart, pinned version, release name, namespace, CRD handling, timeout. */
  readonly chart: ChartEntry;
  /**
   * Chart version, when a customer overrides the catalog's pin.
   * @default - the catalog version
   */
  readonly version?: string;
  /**
   * Inline values, written at the chart's real top-level keys.
   * @default - the chart's defaults
   */
  readonly values?: Record<string, unknown>;
  /**
   * Values read from ConfigMaps or Secrets (credentials); merged in order, inline values win.
   * @default - none
   */
  readonly valuesFrom?: readonly ValuesReference[];
  /**
   * Releases that must be Ready first. Only HelmReleases: Flux never resolves a cross-kind edge.
   * @default - none
   */
  readonly dependsOn?: readonly HelmRelease[];
  /**
   * Labels and annotations of the HelmRelease object itself, for what reads it in the cluster
   * (the platform's storage-plugin page).
   * @default - none
   */
  readonly objectMetadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
}

/**
 * A Flux HelmRelease (helm.toolkit.fluxcd.io/v2) with the identity, remediation and CRD
 * policy every release of ours shares. Its release name and namespace come from the catalog
 * and are never derived, because changing them makes Helm uninstall and reinstall.
 *
 * The chart is the archive vendored in this repository, taken from the GitRepository that
 * `flux bootstrap` created: source-controller copies a packaged chart as it is, so the cluster
 * installs the very bytes the render check rendered, and needs no chart repository or mirror.
 */
export class HelmRelease extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  /** Upper bound of one Helm action; the applying Kustomization must wait at least this long. */
  public readonly timeout: string;
  /** The catalog entry of the chart. */
  public readonly chart: ChartEntry;
  /** The chart version installed. */
  public readonly version: string;

  constructor(scope: Construct, id: string, props: HelmReleaseProps) {
    super(scope, id);
    const { chart } = props;
    this.name = chart.releaseName;
    this.namespace = chart.namespace;
    this.timeout = chart.timeout;
    this.chart = chart;
    this.version = props.version ?? chart.version;
    const remediation = { retries: 3 };
    new HelmReleaseL1(this, 'Resource', {
      metadata: { name: chart.releaseName, namespace: chart.namespace, ...props.objectMetadata },
      spec: {
        releaseName: chart.releaseName,
        interval: '30m',
        timeout: chart.timeout,
        chart: {
          spec: {
            chart: `./${vendoredChartFile(chart.chart, this.version)}`,
            sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.GIT_REPOSITORY, name: BOOTSTRAP_NAME, namespace: FLUX_NAMESPACE },
          },
        },
        install: {
          crds: chart.crds ? HelmReleaseSpecInstallCrds.CREATE_REPLACE : HelmReleaseSpecInstallCrds.CREATE,
          remediation,
        },
        upgrade: {
          // Helm never upgrades CRDs by itself: a chart that ships them needs CreateReplace.
          crds: chart.crds ? HelmReleaseSpecUpgradeCrds.CREATE_REPLACE : HelmReleaseSpecUpgradeCrds.SKIP,
          cleanupOnFail: true,
          remediation: { ...remediation, remediateLastFailure: true, strategy: HelmReleaseSpecUpgradeRemediationStrategy.ROLLBACK },
        },
        dependsOn: props.dependsOn?.map((d) => ({ name: d.name, namespace: d.namespace })),
        values: props.values,
        valuesFrom: props.valuesFrom?.map((v) => ({ ...v })),
      },
    });
  }
}
