/**
 * Resource requests for the chart workloads whose charts set none: each size of the customer's
 * `resources.<chart>.<workload>` written at every values path the catalog lists for that
 * workload, after all components are built, so no release can forget one.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { CHARTS, type ChartEntry } from '../../catalog/charts';
import { setValue } from '../../catalog/image-values';
import type { CustomerConfig } from '../../config/schema';
import { fieldsOf } from '../../model/fields';
import { HelmRelease } from './helm-release';

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
    const workloads = entry.requests?.workloads ?? {};
    const object = ApiObject.of(release);
    const values: Record<string, unknown> = structuredClone(fieldsOf(fieldsOf(object.toJson()).spec?.values));
    for (const [workload, size] of Object.entries(sizes)) {
      // Into the `resources` block the chart already has: its limits stay.
      for (const p of workloads[workload].at) {
        setValue(values, `${p}.requests.cpu`, size.cpu);
        setValue(values, `${p}.requests.memory`, size.memory);
      }
    }
    object.addJsonPatch(JsonPatch.add('/spec/values', values));
  }
}
