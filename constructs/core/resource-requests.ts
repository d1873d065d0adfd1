/**
 * Resource requests for the chart workloads whose charts set none: each size of the customer's
 * `resources.<chart>.<workload>` written at every values path the catalog lists for that
 * workload, after all components are built, so no release can forget one.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { CHARTS, type ChartEntry } from '../../catalog/charts';
import type { CustomerConfig } from '../../config/schema';
import { fieldsOf } from '../../model/fields';
import { HelmRelease } from '../flux/helm-release';

interface Size {
  readonly cpu: string;
  readonly memory: string;
}

export function requestResources(scope: IConstruct, resources: CustomerConfig['resources']): void {
  const byChart: Record<string, Record<string, Size> | undefined> = resources;
  for (const release of scope.node.findAll().filter((c): c is HelmRelease => c instanceof HelmRelease)) {
    const [key, entry] = Object.entries<ChartEntry>(CHARTS).find(([, e]) => e.chart === release.chart.chart) ?? [];
    const sizes = key ? byChart[key] : undefined;
    if (!key || !entry || !sizes) continue;
    const paths = entry.requests ?? {};
    const object = ApiObject.of(release);
    const values: Record<string, unknown> = structuredClone(fieldsOf(fieldsOf(object.toJson()).spec?.values));
    for (const [workload, size] of Object.entries(sizes)) {
      const at = paths[workload];
      if (!at) throw new Error(`catalog: ${key} lists no values path for the requests of workload ${workload}`);
      for (const p of at) setRequests(values, p, size);
    }
    object.addJsonPatch(JsonPatch.add('/spec/values', values));
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `<path>.requests` = the size, keeping whatever else the `resources` block holds (limits). */
function setRequests(values: Record<string, unknown>, path: string, size: Size): void {
  let node = values;
  for (const k of [...path.split('.'), 'requests']) {
    const next = node[k];
    node = isMap(next) ? next : (node[k] = {});
  }
  Object.assign(node, { cpu: size.cpu, memory: size.memory });
}
