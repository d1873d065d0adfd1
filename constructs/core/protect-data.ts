import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { fieldsOf, listOf } from '../../model/fields';
import { PRUNE_DISABLED } from './namespace';

/**
 * Marks every data-bearing object under `scope` with `kustomize.toolkit.fluxcd.io/prune: disabled`:
 * each PersistentVolumeClaim, and each Namespace holding one or holding a StatefulSet whose
 * claim templates create volumes. Done once for the whole customer rather than by each
 * component, so a new component cannot forget it and removing a component or a customer from
 * git never deletes a volume. (Namespaces of charts that create volumes themselves set
 * `holdsData` on their Namespace construct.)
 */
export function protectData(scope: IConstruct): void {
  const objects = scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const claims = objects.filter((o) => o.kind === 'PersistentVolumeClaim');
  const claimTemplates = objects.filter((o) => o.kind === 'StatefulSet'
    && listOf(fieldsOf(fieldsOf(o.toJson()).spec).volumeClaimTemplates).length > 0);
  const namespaces = new Set([...claims, ...claimTemplates].map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined));
  for (const o of objects) {
    if (claims.includes(o) || (o.kind === 'Namespace' && namespaces.has(o.metadata.name ?? ''))) {
      for (const [key, value] of Object.entries(PRUNE_DISABLED)) o.metadata.addAnnotation(key, value);
    }
  }
}
