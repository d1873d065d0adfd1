/**
 * Which values paths a chart's templates read, found by scanning the Go-template actions:
 * `.Values.a.b`, `$.Values.a`, `index .Values "a-b" "c"`, variables bound to a values path,
 * and paths relative to `with .Values.x` blocks. A path is read *whole* when its value is
 * handed on as a unit (`toYaml`, `include`, `range`, printed, a function argument): then every
 * key below it counts as read. Only tests (`if`, `and`, `eq`, `hasKey`, …) read a path without
 * its subtree, so a misspelled key under a tested-only parent is still reported.
 */

/** A values path from the top of the release's values, e.g. `['controller', 'service']`. */
export type ValuesPath = readonly string[];

const keyOf = (p: ValuesPath) => p.join('\0');

export class ValuesReads {
  private readonly reads = new Set<string>();
  private readonly wholes = new Set<string>();

  /** Reading `a.b.c` reads `a` and `a.b` on the way. */
  public read(p: ValuesPath): void {
    for (let n = 0; n <= p.length; n++) this.reads.add(keyOf(p.slice(0, n)));
  }

  public whole(p: ValuesPath): void {
    this.read(p);
    this.wholes.add(keyOf(p));
  }

  public isRead(p: ValuesPath): boolean {
    return this.reads.has(keyOf(p));
  }

  /** Keys read directly below a path (for "did you mean" hints). */
  public keysBelow(p: ValuesPath): string[] {
    const prefix = p.length === 0 ? '' : `${keyOf(p)}\0`;
    return [...this.reads].filter((k) => k.startsWith(prefix) && k.length > prefix.length).map((k) => k.slice(prefix.length).split('\0')[0]);
  }

  /** Whether the path or any parent of it is read as a whole. */
  public isReadWhole(p: ValuesPath): boolean {
    for (let n = 0; n <= p.length; n++) if (this.wholes.has(keyOf(p.slice(0, n)))) return true;
    return false;
  }
}

/** Functions that only test a value: its keys below are not read through them. */
const TESTS = new Set(['if', 'and', 'or', 'not', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'empty', 'hasKey', 'kindIs', 'typeIs', 'kindOf', 'typeOf', 'len', 'with']);
/** Functions that turn the whole root `.Values` into text (else `.Values` alone is a context handed on). */
const SERIALIZERS = new Set(['toYaml', 'toJson', 'toPrettyJson', 'toRawJson', 'toToml', 'mustToJson', 'mustToPrettyJson', 'mustToRawJson']);

type Token = { kind: 'str' | 'punct' | 'ref' | 'word'; text: string };

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*')|(:=|=|\||\(|\)|,)|(\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*|\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*|\.)|([^\s"`'|(),=:]+|:))/y;

function tokenize(action: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(action); m && m[0] !== ''; m = TOKEN.exec(action)) {
    if (m[1] !== undefined) tokens.push({ kind: 'str', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'punct', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'ref', text: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: 'word', text: m[4] });
  }
  return tokens;
}

function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  try {
    return JSON.parse(s.startsWith("'") ? `"${s.slice(1, -1)}"` : s) as string;
  } catch {
    return s.slice(1, -1);
  }
}

export interface ScanTarget {
  /** Where the chart's own `.Values` sit in the release's values (a subchart's key). */
  readonly at: ValuesPath;
  readonly reads: ValuesReads;
  /**
   * Bodies of the named templates (`define`) of the chart and its subcharts, so that a values
   * map handed to one in a `dict` counts only the keys the template reads of it.
   * @default - none: a map handed to a template is read whole
   */
  readonly defines?: ReadonlyMap<string, string>;
}

/** The named templates of one template file: name → body. */
export function defineBodies(text: string): Map<string, string> {
  const bodies = new Map<string, string>();
  const open: Array<{ name?: string; start: number }> = [];
  for (const m of text.matchAll(/\{\{-?\s*(define|block|if|with|range|end)\b\s*("(?:[^"\\]|\\.)*")?[\s\S]*?-?\}\}/g)) {
    if (m[1] !== 'end') {
      open.push({ name: m[1] === 'define' && m[2] ? unquote(m[2]) : undefined, start: m.index + m[0].length });
      continue;
    }
    const block = open.pop();
    if (block?.name !== undefined) bodies.set(block.name, text.slice(block.start, m.index));
  }
  return bodies;
}

/**
 * `include "name" (dict … "key" .Values.x …)`: the template reads `.key.a.b`, so `x.a.b` is read
 * (whole, from there down); `.key` handed on as it is reads `x` whole. Undefined when the
 * value is not a `dict` entry of an `include` of a known template.
 */
function readThroughTemplate(tokens: Token[], i: number, path: ValuesPath, target: ScanTarget): boolean {
  if (tokens[i - 1]?.kind !== 'str') return false;
  let depth = 0;
  let k = i - 1;
  for (; k >= 0; k--) {
    if (tokens[k].text === ')') depth++;
    else if (tokens[k].text === '(' && depth-- === 0) break;
  }
  const name = tokens[k - 1]?.kind === 'str' && ['include', 'template'].includes(tokens[k - 2]?.text) ? unquote(tokens[k - 1].text) : undefined;
  const body = name === undefined ? undefined : target.defines?.get(name);
  if (tokens[k + 1]?.text !== 'dict' || body === undefined) return false;
  const key = unquote(tokens[i - 1].text);
  for (const m of body.matchAll(new RegExp(`(?<![\\w$])\\.${key.replace(/[^A-Za-z0-9_]/g, '')}((?:\\.[A-Za-z0-9_]+)*)(?![A-Za-z0-9_])`, 'g'))) {
    target.reads.whole([...path, ...m[1].split('.').slice(1)]);
  }
  target.reads.read(path);
  return true;
}

/** Records every values path one template file reads. */
export function scanTemplate(text: string, target: ScanTarget): void {
  const { at, reads } = target;
  // `dot` is the values path `.` stands for (inside `with .Values.x`), or null when it is not one.
  const scopes: Array<ValuesPath | null> = [null];
  const vars = new Map<string, ValuesPath>();
  for (const m of text.matchAll(/\{\{-?([\s\S]*?)-?\}\}/g)) {
    const body = m[1].trim();
    if (body.startsWith('/*')) continue;
    const tokens = tokenize(body);
    const keyword = tokens[0]?.kind === 'word' ? tokens[0].text : '';
    if (keyword === 'end') {
      if (scopes.length > 1) scopes.pop();
      continue;
    }
    const dot = scopes[scopes.length - 1];
    const resolve = (ref: string): ValuesPath | null => {
      const parts = ref.split('.');
      const values = parts.indexOf('Values');
      // `.Values.x`, `$.Values.x`, `$root.Values.x`: the chart's values.
      if (values === 1 && (parts[0] === '' || parts[0].startsWith('$'))) {
        const rest = parts.slice(2);
        return rest[0] === 'global' ? rest : [...at, ...rest];
      }
      if (parts[0].startsWith('$')) {
        const bound = vars.get(parts[0]);
        return bound ? [...bound, ...parts.slice(1)] : null;
      }
      if (ref === '.') return dot;
      return dot ? [...dot, ...parts.slice(1)] : null;
    };
    let withDot: ValuesPath | null = null;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i].kind !== 'ref') continue;
      let path = resolve(tokens[i].text);
      if (!path) continue;
      let next = i + 1;
      let start = i;
      if (tokens[i - 1]?.kind === 'word' && tokens[i - 1].text === 'index') {
        start = i - 1;
        while (tokens[next]?.kind === 'str') path = [...path, unquote(tokens[next++].text)];
        // A computed key (`index .Values.images $name`) may be any key below.
        if (tokens[next] && tokens[next].kind !== 'punct') {
          reads.whole(path);
          continue;
        }
      }
      const consumer = consumerOf(tokens, start, next);
      if (keyword === 'range') {
        // Iterating a map or list reads every entry, whatever the loop variables are called.
        reads.whole(path);
      } else if (consumer.kind === 'bind') {
        vars.set(consumer.variable, path);
        reads.read(path);
      } else if (consumer.name === 'hasKey' && tokens[next]?.kind === 'str') {
        reads.read(path);
        reads.read([...path, unquote(tokens[next].text)]);
      } else if (TESTS.has(consumer.name)) {
        reads.read(path);
        if (consumer.name === 'with' && start === 1) withDot = path;
      } else if (path.length === at.length && path.every((p, k) => p === at[k]) && tokens[i].text !== '.' && !SERIALIZERS.has(consumer.name)) {
        reads.read(path);
      } else if (consumer.name === 'dict' && readThroughTemplate(tokens, i, path, target)) {
        continue;
      } else {
        reads.whole(path);
      }
    }
    if (keyword === 'with') scopes.push(withDot ?? bindingOf(tokens, vars));
    else if (keyword === 'if') scopes.push(dot);
    else if (keyword === 'range' || keyword === 'define' || keyword === 'block') scopes.push(null);
  }
}

/** `with $x := .Values.a`: the block's dot is what the variable holds. */
function bindingOf(tokens: Token[], vars: Map<string, ValuesPath>): ValuesPath | null {
  return tokens[1]?.kind === 'ref' && tokens[2]?.text === ':=' ? vars.get(tokens[1].text) ?? null : null;
}

type Consumer = { kind: 'call'; name: string } | { kind: 'bind'; variable: string };

/**
 * What receives the value at token `i`: the function after a `|`, a variable it is bound to,
 * or the nearest function name before it in the same parentheses (`print` for a bare value).
 */
function consumerOf(tokens: Token[], i: number, next: number): Consumer {
  if (tokens[next]?.text === '|' && tokens[next + 1]?.kind === 'word') return { kind: 'call', name: tokens[next + 1].text };
  let depth = 0;
  for (let k = i - 1; k >= 0; k--) {
    const t = tokens[k];
    if (t.text === ')') depth++;
    else if (t.text === '(') {
      if (depth === 0) break;
      depth--;
    } else if (depth > 0) continue;
    else if (t.text === '|') break;
    else if (t.text === ':=' || t.text === '=') {
      return tokens[k - 1]?.kind === 'ref' && k === i - 1 ? { kind: 'bind', variable: tokens[k - 1].text } : { kind: 'call', name: 'print' };
    } else if (t.kind === 'word' && t.text !== 'else') return { kind: 'call', name: t.text };
  }
  return { kind: 'call', name: 'print' };
}
