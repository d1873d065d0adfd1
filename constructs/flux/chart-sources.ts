import type { Construct } from 'constructs';
import type { ChartRepository } from '../../catalog/charts';
import { HelmRepository } from './helm-repository';

/**
 * The customer's chart repositories: one HelmRepository per repository in use, created in
 * the first component (in tier order) that needs it, so later tiers find it already applied.
 * An OCI repository goes to `ociHome` instead when given: a Kustomization that waits would
 * wait for it forever (an OCI HelmRepository has no Ready condition).
 * An air-gapped customer has one chart mirror instead, which serves every chart.
 */
export class ChartSources {
  private readonly repositories = new Map<string, HelmRepository>();

  /**
   * @param mirror the customer's chart mirror, which then serves every chart
   * @param ociHome where OCI repositories are created (a file no waiting Kustomization applies);
   *   by default, like the others, in the component that first needs them
   */
  constructor(private readonly mirror?: HelmRepository, private readonly ociHome?: () => Construct) {}

  /** The HelmRepository for a catalog repository, created inside `scope` on first use. */
  public use(scope: Construct, repository: ChartRepository): HelmRepository {
    if (this.mirror) return this.mirror;
    let source = this.repositories.get(repository.name);
    if (!source) {
      const home = repository.url.startsWith('oci://') && this.ociHome ? this.ociHome() : scope;
      source = new HelmRepository(home, `${repository.name}-repository`, { name: repository.name, url: repository.url });
      this.repositories.set(repository.name, source);
    }
    return source;
  }
}
