/**
 * A chart's own `values.schema.json`, checked against the values Helm would compute (chart
 * defaults coalesced with the release's values), for the chart and for every subchart that
 * ships one, the way `helm install` does before it renders anything.
 */
import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { isMap } from '../model/fields';
import type { ChartModel } from './chart';
import type { ValuesPath } from './template-reads';
import { coalesceValues } from './values';

export interface SchemaViolation {
  /** Values path from the top of the release's values. */
  readonly path: ValuesPath;
  readonly message: string;
  /** Chart whose schema says so (`name version`). */
  readonly chart: string;
}

/**
 * Compiled validators by schema text. Each schema gets an Ajv of its own: charts declare `$id`s
 * (Traefik's), and one Ajv refuses a second schema with the same id — the same chart checked
 * again, or two versions of it.
 */
const validators = new Map<string, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    const draft = String(schema.$schema ?? '');
    const kind = draft.includes('2020-12') ? '2020' : draft.includes('2019-09') ? '2019' : '07';
    const options = { allErrors: true, strict: false, logger: false } as const;
    const ajv = kind === '2020' ? new Ajv2020(options) : kind === '2019' ? new Ajv2019(options) : new Ajv(options);
    addFormats(ajv);
    // Draft-04/06 schemas are read as draft-07, which accepts what charts use of them.
    const { $schema: _declared, ...rest } = schema;
    validate = ajv.compile((kind === '07' ? rest : schema) as AnySchema);
    validators.set(key, validate);
  }
  return validate;
}

export function schemaViolations(chart: ChartModel, values: Record<string, unknown>): SchemaViolation[] {
  return violationsAt(chart, values, []);
}

function violationsAt(chart: ChartModel, user: Record<string, unknown>, at: ValuesPath): SchemaViolation[] {
  if (chart.library) return [];
  const values = coalesceValues(chart.values, user);
  const found: SchemaViolation[] = [];
  if (chart.schema) {
    const validate = validatorFor(chart.schema);
    if (!validate(values)) found.push(...(validate.errors ?? []).map((e) => violation(e, at, values, `${chart.name} ${chart.version}`)));
  }
  for (const sub of chart.subcharts) {
    const section = isMap(values[sub.key]) ? values[sub.key] as Record<string, unknown> : {};
    const global = coalesceValues(isMap(section.global) ? section.global : {}, isMap(values.global) ? values.global : {});
    found.push(...violationsAt(sub.chart, { ...section, global }, [...at, sub.key]));
  }
  return found;
}

function violation(e: ErrorObject, at: ValuesPath, values: unknown, chart: string): SchemaViolation {
  const steps = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = e.keyword === 'additionalProperties' ? [String(e.params.additionalProperty)]
    : e.keyword === 'required' ? [String(e.params.missingProperty)] : [];
  const path = [...at, ...steps, ...extra];
  let found: unknown = values;
  for (const s of steps) found = (found as Record<string, unknown> | undefined)?.[s];
  const message = e.keyword === 'additionalProperties' ? 'expected no such key (the schema lists the allowed ones), found one'
    : e.keyword === 'required' ? 'expected a value (required), found none'
      : `expected ${expectation(e)}, found ${shortJson(found)}`;
  return { path, message, chart };
}

function expectation(e: ErrorObject): string {
  if (e.keyword === 'enum') return `one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'pattern') return `a string matching ${e.params.pattern}`;
  return (e.message ?? 'a valid value').replace(/^must (be )?/, '');
}

function shortJson(v: unknown): string {
  const text = JSON.stringify(v) ?? 'nothing';
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
