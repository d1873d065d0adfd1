import type { Construct } from 'constructs';
import type { ChartRepository } from '../../catalog/charts';
import { HelmRepository } from './helm-repository';

/**
 * The customer's chart repositories: one HelmRepository per repository in use, created in
 * the first component (in tier order) that needs it, so later tiers find it already applied.
 * An air-gapped customer has one chart mirror instead, which serves every chart.
 */
export class ChartSources {
  private readonly repositories = new Map<string, HelmRepository>();

  /** @param mirror the customer's chart mirror, which then serves every chart */
  constructor(private readonly mirror?: HelmRepository) {}

  /** The HelmRepository for a catalog repository, created inside `scope` on first use. */
  public use(scope: Construct, repository: ChartRepository): HelmRepository {
    if (this.mirror) return this.mirror;
    let source = this.repositories.get(repository.name);
    if (!source) {
      source = new HelmRepository(scope, `${repository.name}-repository`, { name: repository.name, url: repository.url });
      this.repositories.set(repository.name, source);
    }
    return source;
  }
}
