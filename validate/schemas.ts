/**
 * Strict schema validation: every object against the Kubernetes OpenAPI definitions of each
 * supported version and the CRDs' `openAPIV3Schema`, with unknown fields as errors. The
 * upstream schemas are open (the API server prunes or rejects unknown fields later), so they
 * are closed here: `additionalProperties: false` wherever `properties` are listed, unless
 * `x-kubernetes-preserve-unknown-fields` says the object is free-form. Validators are compiled
 * once per kind and reused for every object and customer. `asServed` gives an object as the API
 * server validates it: `null` fields dropped and a custom resource's schema defaults applied.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { yamlProblem } from '../config/load';
import { guard } from '../files/file-steps';
import { firstLineOf } from '../model/caught';
import { fieldsOf, isMap, listOf } from '../model/fields';
import type { KubeObject } from '../model/objects';
import { UserError } from '../model/user-error';
import { groupOf } from './model/manifest';
import { kubernetesDefinitionsFile, KUBERNETES_VERSIONS } from './schema-sources';

type Schema = Record<string, unknown>;

/** One problem of one object, merged across the Kubernetes versions that report it. */
export interface SchemaIssue {
  /** Field path such as `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly unknownField: boolean;
  readonly message: string;
  /** Kubernetes versions that reject it; empty for custom resources (one schema for all). */
  readonly versions: readonly string[];
}

export type SchemaResult =
  | { readonly status: 'checked'; readonly issues: readonly SchemaIssue[] }
  | { readonly status: 'skipped' };

/**
 * CRD patterns are Go (RE2) regular expressions; the one construct JavaScript lacks and the
 * CRDs use is a leading inline flag group such as `(?i)`, which becomes a RegExp flag.
 */
function goRegExp(pattern: string, flags: string): RegExp {
  const inline = /^(\^?)\(\?([ims]+)\)/.exec(pattern);
  return inline ? new RegExp(inline[1] + pattern.slice(inline[0].length), flags + inline[2]) : new RegExp(pattern, flags);
}
goRegExp.code = 'goRegExp';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

interface CrdVersion {
  readonly schema: Schema;
  readonly scope: string;
  /** The file (or object) the CRD came from, for errors. */
  readonly source: string;
}

export class SchemaSet {
  /**
   * Loads the pinned Kubernetes definitions and every `crds/*.yaml` of a schema folder (`pinned`
   * names CRD files that must be there). Nothing
   * it cannot read is skipped: a pinned file that is missing, empty or does not parse, a CRD
   * file without a schema, or a `$ref` in a CRD schema is an error naming the file.
   */
  public static load(dir: string, pinned: readonly string[] = []): SchemaSet {
    const set = new SchemaSet(schemaFolderFingerprint(dir));
    for (const version of KUBERNETES_VERSIONS) {
      const file = path.join(dir, kubernetesDefinitionsFile(version));
      if (!fs.existsSync(file)) throw schemaFileError(file, 'no such file');
      set.addKubernetes(version, readJson(file), file);
    }
    const crdDir = path.join(dir, 'crds');
    const present = fs.existsSync(crdDir) ? guard(crdDir, () => fs.readdirSync(crdDir)).filter((f) => /\.ya?ml$/.test(f)) : [];
    for (const name of [...new Set([...pinned, ...present])].sort()) {
      const file = path.join(crdDir, name);
      if (!fs.existsSync(file)) throw schemaFileError(file, 'no such file');
      const text = guard(file, () => fs.readFileSync(file, 'utf8'));
      if (text.trim() === '') throw schemaFileError(file, 'an empty file');
      const docs = parseAllDocuments(text);
      const broken = docs.find((d) => d.errors.length > 0);
      if (broken) throw schemaFileError(file, `YAML that does not parse (${yamlProblem(broken.errors[0].message)})`);
      const crds = docs.map((d) => fieldsOf(d.toJS())).filter((crd) => crd.kind === 'CustomResourceDefinition');
      const withSchema = crds.filter((crd) => listOf(fieldsOf(crd.spec).versions).some((v) => isMap(v.schema?.openAPIV3Schema)));
      if (withSchema.length === 0) throw schemaFileError(file, 'no CustomResourceDefinition with an openAPIV3Schema');
      for (const crd of withSchema) set.addCrd(crd as KubeObject, file);
    }
    return set;
  }

  private readonly ajv: Ajv;
  /** `group/version/kind` → definition name, per Kubernetes version. */
  private readonly builtIn = new Map<string, Map<string, string>>();
  /** `group/version/kind` → closed schema and scope of a custom resource. */
  private readonly crds = new Map<string, CrdVersion>();
  private readonly validators = new Map<string, ValidateFunction>();
  /** The definitions file of each Kubernetes version, for errors. */
  private readonly kubernetesFiles = new Map<string, string>();

  /** @param fingerprint digest of the schema files (names, sizes, modification times), for caches of what was checked against them */
  private constructor(public readonly fingerprint: string) {
    // strict: false because Kubernetes schemas carry x-kubernetes-* keywords and formats ajv does not know.
    this.ajv = new Ajv({ allErrors: true, strict: false, logger: false, code: { regExp: goRegExp } });
    addFormats(this.ajv);
  }

  public get kubernetesVersions(): string[] {
    return [...this.builtIn.keys()];
  }

  /** Registers a CRD (from the schema folder or from the manifests themselves), `source` naming where it is written. */
  public addCrd(crd: KubeObject, source = `CustomResourceDefinition/${crd.metadata?.name ?? ''}`): void {
    const spec = fieldsOf(crd.spec);
    for (const v of listOf(spec.versions)) {
      const schema = schemaAt(v.schema?.openAPIV3Schema);
      if (!schema) continue;
      // A structural schema is self-contained; a $ref (remote or not) would be fetched or fail to compile.
      const ref = findRef(schema);
      if (ref !== undefined) throw new UserError(`${source}: spec.versions[${v.name}].schema.openAPIV3Schema: expected a self-contained schema, found $ref ${JSON.stringify(ref.slice(0, 200))}`);
      const closed = closeSchema(schema, true);
      // A CRD's metadata is `type: object`; the API server checks it as ObjectMeta.
      const latest = this.kubernetesVersions.at(-1);
      const properties = schemaAt(closed.properties);
      if (latest && properties) properties.metadata = { $ref: `${kubernetesId(latest)}#/definitions/${OBJECT_META}` };
      this.crds.set(`${spec.group}/${v.name}/${spec.names.kind}`, { schema: closed, scope: spec.scope, source });
    }
  }

  /** Whether a CRD for this kind is registered. */
  public hasCrd(apiVersion: string, kind: string): boolean {
    return this.crds.has(gvk(apiVersion, kind));
  }

  /**
   * The object as the API server decodes it before validation: a `null` field is unset (for a
   * custom resource, unless its schema says `nullable`), then the CRD's `default`s fill what is
   * unset — so `required` sees what the server sees. The object itself is not changed.
   */
  public asServed(object: KubeObject): KubeObject {
    const crd = this.crds.get(gvk(object.apiVersion, object.kind));
    return (crd ? defaulted(object, crd.schema) : withoutNulls(object)) as KubeObject;
  }

  /** `Namespaced` or `Cluster` for a custom resource with a known CRD. */
  public crdScope(apiVersion: string, kind: string): string | undefined {
    return this.crds.get(gvk(apiVersion, kind))?.scope;
  }

  public validate(object: KubeObject): SchemaResult {
    const key = gvk(object.apiVersion, object.kind);
    const crd = this.crds.get(key);
    if (crd) {
      const validator = this.validator(`crd:${key}`, () => crd.schema, crd.source);
      return { status: 'checked', issues: validator(object) ? [] : issuesOf(validator.errors ?? [], []) };
    }
    const served = this.kubernetesVersions.filter((v) => this.builtIn.get(v)!.has(key));
    if (served.length === 0) return { status: 'skipped' };
    const issues: SchemaIssue[] = [];
    for (const version of this.kubernetesVersions) {
      const definition = this.builtIn.get(version)!.get(key);
      if (!definition) {
        issues.push({ path: 'apiVersion', unknownField: false, message: `${object.apiVersion} ${object.kind} is not served`, versions: [version] });
        continue;
      }
      const validator = this.validator(`${version}:${definition}`, () => ({ $ref: `${kubernetesId(version)}#/definitions/${definition}` }), this.kubernetesFiles.get(version) ?? version);
      if (!validator(object)) issues.push(...issuesOf(validator.errors ?? [], [version]));
    }
    return { status: 'checked', issues: mergeVersions(issues) };
  }

  private addKubernetes(version: string, document: Schema, file: string): void {
    const definitions = schemaAt(document.definitions);
    if (!definitions) throw schemaFileError(file, 'no "definitions" map');
    this.kubernetesFiles.set(version, file);
    const kinds = new Map<string, string>();
    for (const [name, definition] of Object.entries(definitions)) {
      const gvks = listOf(schemaAt(definition)?.['x-kubernetes-group-version-kind']);
      // Only definitions with a fixed kind are objects; DeleteOptions & co. list many GVKs.
      if (gvks.length === 1) kinds.set(`${gvks[0].group}/${gvks[0].version}/${gvks[0].kind}`, name);
    }
    this.builtIn.set(version, kinds);
    const closed = Object.fromEntries(Object.entries(definitions).map(([n, d]) => [n, closeSchema(d, false)]));
    this.ajv.addSchema({ definitions: closed }, kubernetesId(version));
  }

  private validator(key: string, schema: () => Schema, source: string): ValidateFunction {
    let validator = this.validators.get(key);
    if (!validator) {
      try {
        validator = this.ajv.compile(schema());
      } catch (e) {
        // A reference ajv cannot resolve, a pattern that is no regular expression: the file is broken, not our code.
        throw schemaFileError(source, `a schema that does not compile (${firstLineOf(e)})`);
      }
      this.validators.set(key, validator);
    }
    return validator;
  }
}

function kubernetesId(version: string): string {
  return `kubernetes-${version}.json`;
}

function gvk(apiVersion: string, kind: string): string {
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.lastIndexOf('/') + 1) : apiVersion;
  return `${groupOf(apiVersion)}/${version}/${kind}`;
}

function schemaFolderFingerprint(dir: string): string {
  const files = guard(dir, () => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })).sort().map((f) => {
    // A link to nothing is a broken schema folder, named as such, not a crash.
    const stat = guard(path.join(dir, f), () => fs.statSync(path.join(dir, f)));
    return `${f}:${stat.size}:${stat.mtimeMs}`;
  });
  return createHash('sha256').update(files.join('\n')).digest('hex');
}

function readJson(file: string): Schema {
  const text = guard(file, () => fs.readFileSync(file, 'utf8'));
  if (text.trim() === '') throw schemaFileError(file, 'an empty file');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (e) {
    throw schemaFileError(file, `JSON that does not parse (${firstLineOf(e)})`);
  }
  if (!isMap(document)) throw schemaFileError(file, 'no JSON object');
  return document;
}

/** A schema file validation cannot use, named with what was found and how to get the vendored copies back. */
export function schemaFileError(file: string, found: string): UserError {
  return new UserError(`${file}: expected a readable schema file (strict validation checks nothing without it), found ${found}; `
    + 'restore the schema folder (`git checkout -- vendor/schemas`)');
}

/** The first `$ref` in a schema, if any. */
function findRef(schema: unknown): string | undefined {
  if (Array.isArray(schema)) {
    for (const item of schema) {
      const ref = findRef(item);
      if (ref !== undefined) return ref;
    }
    return undefined;
  }
  if (!isMap(schema)) return undefined;
  if (typeof schema.$ref === 'string') return schema.$ref;
  for (const value of Object.values(schema)) {
    const ref = findRef(value);
    if (ref !== undefined) return ref;
  }
  return undefined;
}

/**
 * A copy of a schema with every object that lists `properties` closed to unknown fields.
 * Walks only schema positions, so a field that happens to be called `properties` (as in
 * JSONSchemaProps) is never mistaken for the keyword. `crd` honours the preserve marker.
 */
export function closeSchema(schema: Schema, crd: boolean): Schema;
export function closeSchema(schema: unknown, crd: boolean): unknown;
export function closeSchema(schema: unknown, crd: boolean): unknown {
  if (!isMap(schema)) return schema;
  const s = schema;
  const out: Schema = { ...s };
  const mapOf = (m: unknown) => Object.fromEntries(Object.entries(schemaMap(m)).map(([k, v]) => [k, closeSchema(v, crd)]));
  if (s.properties) out.properties = mapOf(s.properties);
  if (s.patternProperties) out.patternProperties = mapOf(s.patternProperties);
  if (s.definitions) out.definitions = mapOf(s.definitions);
  if (typeof s.additionalProperties === 'object') out.additionalProperties = closeSchema(s.additionalProperties, crd);
  if (s.items) out.items = Array.isArray(s.items) ? s.items.map((i) => closeSchema(i, crd)) : closeSchema(s.items, crd);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[k];
    if (Array.isArray(list)) out[k] = list.map((i) => closeSchema(i, crd));
  }
  if (s.not) out.not = closeSchema(s.not, crd);
  // An int-or-string field without its anyOf (allowed in structural schemas) takes either.
  if (s['x-kubernetes-int-or-string'] === true && !s.anyOf && !s.oneOf && !s.type) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  // An embedded resource carries apiVersion, kind and metadata whatever else its schema lists.
  if (crd && s['x-kubernetes-embedded-resource'] === true && out.properties) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...schemaMap(out.properties) };
  }
  const preserve = crd && s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s.properties && s.additionalProperties === undefined && !preserve) out.additionalProperties = false;
  return out;
}

/** A schema keyword's value as a map (of schemas), or an empty one when it is no map. */
const schemaMap = (v: unknown): Schema => (isMap(v) ? v : {});
/** A schema keyword's value as a schema, when it is one. */
const schemaAt = (v: unknown): Schema | undefined => (isMap(v) ? v : undefined);

/** A copy without `null` map entries: how the API server decodes a built-in object. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isMap(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

/**
 * A copy of a custom resource as the API server stores it: `null` dropped where the schema is
 * not `nullable`, then each unset field with a `default` given it (and defaulted below in turn).
 */
function defaulted(value: unknown, schema: Schema | undefined): unknown {
  if (!schema) return withoutNulls(value);
  if (Array.isArray(value)) return value.map((v) => defaulted(v, schemaAt(schema.items)));
  if (!isMap(value)) return value;
  const properties = schemaMap(schema.properties);
  const rest = schemaAt(schema.additionalProperties);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const own = properties[k];
    const field = own === undefined || own === null ? rest : schemaAt(own);
    if (v === null && field?.nullable !== true) continue;
    out[k] = defaulted(v, field);
  }
  for (const [k, own] of Object.entries(properties)) {
    const field = schemaAt(own);
    if (out[k] === undefined && field?.default !== undefined) out[k] = defaulted(structuredClone(field.default), field);
  }
  return out;
}

/** ajv errors → issues with field paths; the branch errors of a failed oneOf/anyOf fold into it. */
function issuesOf(errors: readonly ErrorObject[], versions: string[]): SchemaIssue[] {
  const unions = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const inUnion = (e: ErrorObject) => unions.some((u) => u !== e && e.instancePath === u.instancePath && e.schemaPath.startsWith(`${u.schemaPath}/`));
  const issues: SchemaIssue[] = [];
  for (const e of errors) {
    if (inUnion(e)) continue;
    const at = fieldPath(e.instancePath);
    const join = (child: string) => (at ? `${at}.${child}` : child);
    if (e.keyword === 'additionalProperties') {
      issues.push({ path: join(String(e.params.additionalProperty)), unknownField: true, message: 'unknown field', versions });
    } else if (e.keyword === 'required') {
      issues.push({ path: join(String(e.params.missingProperty)), unknownField: false, message: 'required field is missing', versions });
    } else if (e.keyword === 'oneOf' || e.keyword === 'anyOf') {
      const branches = errors.filter((b) => b.instancePath === e.instancePath && b.schemaPath.startsWith(`${e.schemaPath}/`));
      const expected = [...new Set(branches.map((b) => (b.message ?? '').replace(/^must be /, '')))].join(' or ');
      issues.push({ path: at || '(object)', unknownField: false, message: `must be ${expected || 'valid'}`, versions });
    } else {
      const allowed = e.keyword === 'enum' ? `: ${(e.params.allowedValues as unknown[]).join(', ')}` : '';
      issues.push({ path: at || '(object)', unknownField: false, message: `${e.message ?? 'is invalid'}${allowed}`, versions });
    }
  }
  return issues;
}

function fieldPath(instancePath: string): string {
  return instancePath.split('/').slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function mergeVersions(issues: readonly SchemaIssue[]): SchemaIssue[] {
  const merged = new Map<string, SchemaIssue>();
  for (const i of issues) {
    const key = `${i.path}\0${i.message}`;
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, versions: [...seen.versions, ...i.versions] } : i);
  }
  return [...merged.values()];
}
