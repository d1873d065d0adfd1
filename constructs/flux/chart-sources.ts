import type { Construct } from 'constructs';
import type { ChartRepository } from '../../catalog/charts';
import { HelmRepository } from './helm-repository';

/**
 * The customer's chart repositories: one HelmRepository per repository in use, created in
 * the first component (in tier order) that needs it, so later tiers find it already applied.
 */
export class ChartSources {
  private readonly repositories = new Map<string, HelmRepository>();

  /** The HelmRepository for a catalog repository, created inside `scope` on first use. */
  public use(scope: Construct, repository: ChartRepository): HelmRepository {
    let source = this.repositories.get(repository.name);
    if (!source) {
      source = new HelmRepository(scope, `${repository.name}-repository`, { name: repository.name, url: repository.url });
      this.repositories.set(repository.name, source);
    }
    return source;
  }
}
