/**
 * The values of a release against its chart, before anything is rendered: valuesFrom that do
 * not resolve, keys the chart neither defaults nor reads, and values its values.schema.json rejects.
 */
import type { Finding } from '../validate/model/finding';
import type { EffectiveValues } from './effective-values';
import type { LoadedRelease } from './plan';
import { releaseFinding, RenderRule } from './report';
import { ChartValuesModel, formatValuesPath } from './values-analysis';
import { schemaViolations } from './values-schema';

export function checkValues(customer: string, r: LoadedRelease, effective: EffectiveValues): Finding[] {
  const { chart: { name, version }, model } = r;
  const finding = (rule: RenderRule, message: string) => releaseFinding(customer, r, rule, message);
  return [
    ...effective.problems.map((p) => finding(RenderRule.VALUES_FROM, p)),
    ...new ChartValuesModel(model).unread(effective.values).map((u) => finding(RenderRule.UNREAD_VALUE,
      `values.${formatValuesPath(u.path)}: expected a key ${name} ${version} defaults or reads, found one it ignores`
      + `${u.leaves > 1 ? ` (with the ${u.leaves} values below it)` : ''}${u.hint ? `; did you mean "${u.hint}"?` : ''}`)),
    ...schemaViolations(model, effective.values).map((v) =>
      finding(RenderRule.VALUES_SCHEMA, `values.${formatValuesPath(v.path)}: ${v.message} (values.schema.json of ${v.chart})`)),
  ];
}
