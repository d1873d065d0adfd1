/**
 * Finds what the documentation refers to and does not exist: `npx astrago` commands,
 * subcommands and options (asked of the commander program itself), `npm run` scripts,
 * customer-file keys, and relative links with their anchors. Each finding names the file and
 * line, so a guide cannot keep describing a command or key after it is renamed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { LEGACY_KEYS } from '../config/legacy';
import { configKeys, headingAnchor } from '../config/reference';

export interface DocContext {
  /** The `astrago` program of commands/cli.ts. */
  readonly program: Command;
  /** Script names of package.json. */
  readonly scripts: ReadonlySet<string>;
  /** Repository root: links resolve inside it. */
  readonly root: string;
}

/** One line of a document, with the code it holds: the whole line in a code block, else its inline code spans. */
interface Line {
  readonly number: number;
  readonly text: string;
  readonly inCodeBlock: boolean;
  readonly codeSpans: readonly string[];
}

interface CodeBlock {
  readonly info: string;
  readonly firstLine: number;
  readonly text: string;
}

const FENCE = /^\s*(```|~~~)\s*([\w-]*)/;

function splitDocument(text: string): { lines: Line[]; blocks: CodeBlock[] } {
  const lines: Line[] = [];
  const blocks: CodeBlock[] = [];
  let block: { fence: string; info: string; firstLine: number; body: string[] } | undefined;
  text.split('\n').forEach((raw, i) => {
    const number = i + 1;
    const fence = FENCE.exec(raw);
    if (block) {
      if (fence && fence[1] === block.fence && fence[2] === '') {
        blocks.push({ info: block.info, firstLine: block.firstLine, text: block.body.join('\n') });
        block = undefined;
      } else {
        block.body.push(raw);
        lines.push({ number, text: raw, inCodeBlock: true, codeSpans: [raw] });
      }
      return;
    }
    if (fence) {
      block = { fence: fence[1], info: fence[2], firstLine: number + 1, body: [] };
      return;
    }
    lines.push({ number, text: raw, inCodeBlock: false, codeSpans: [...raw.matchAll(/(`+)(.+?)\1/g)].map((m) => m[2]) });
  });
  return { lines, blocks };
}

/** Shell syntax that ends a command: pipes, lists, redirections, comments. */
const END_OF_COMMAND = /^(\||\|\||&&|;|>|>>|2>&1|#.*|\)|`)$/;

/** The words after `npx astrago` up to the end of the command, with markdown and shell decoration removed. */
function commandWords(code: string): string[][] {
  const found: string[][] = [];
  // `\|` is a table cell's escaped "|": between alternatives, never a pipe.
  for (const m of code.replace(/\\\|/g, ' ').matchAll(/npx astrago\b(.*)/g)) {
    const words: string[] = [];
    for (const raw of m[1].trim().split(/\s+/).filter(Boolean)) {
      if (END_OF_COMMAND.test(raw) || raw.startsWith('#')) break;
      const word = raw.replace(/^[[("']+|[\])"'…,.:]+$/g, '').replace(/=.*$/, '');
      if (word) words.push(word);
    }
    found.push(words);
  }
  return found;
}

const isPlaceholder = (word: string) => /^<.*>$/.test(word) || word.includes('…') || word === '...';

function hasOption(command: Command, flag: string): boolean {
  return flag === '--help' || flag === '-h' || command.options.some((o) => o.long === flag || o.short === flag);
}

/** Every command below (and including) `command`. */
const subtree = (command: Command): Command[] => [command, ...command.commands.flatMap(subtree)];

/** Problems of one `npx astrago …` command line: unknown (sub)commands and options. */
function checkCommand(words: readonly string[], program: Command): string[] {
  const problems: string[] = [];
  let commands: Command[] = [program];
  let label = 'astrago';
  let resolving = true; // whether the next plain word names a subcommand
  for (const word of words) {
    if (word.startsWith('-')) {
      if (!commands.some((c) => hasOption(c, word))) problems.push(`unknown option ${word} of \`npx ${label}\``);
      continue;
    }
    const parents = commands.filter((c) => c.commands.length > 0);
    if (!resolving || parents.length === 0) continue; // an argument
    if (isPlaceholder(word)) {
      // `npx astrago <command> --help`: an option must exist on some command.
      commands = parents.flatMap(subtree);
      resolving = false;
      continue;
    }
    // `secrets set|rotate`: each alternative must exist.
    const next: Command[] = [];
    for (const alternative of word.split('|')) {
      const sub = parents.flatMap((c) => c.commands).find((c) => c.name() === alternative || c.aliases().includes(alternative));
      if (sub) next.push(sub);
      else problems.push(`unknown command \`${alternative}\` of \`npx ${label}\``);
    }
    if (next.length === 0) break;
    commands = next;
    label = `${label} ${word}`;
  }
  return problems;
}

/** Matches dotted customer-file key paths against the schema (and the legacy keys the loader still names). */
export class KeyMatcher {
  private readonly paths: ReadonlyArray<readonly string[]>;
  private readonly mapKeys: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly legacy = new Set(LEGACY_KEYS.map((k) => k.path));
  public readonly topLevel: ReadonlySet<string>;

  constructor() {
    const keys = configKeys();
    this.paths = keys.map((k) => k.path.split('.'));
    this.topLevel = new Set(keys.filter((k) => !k.path.includes('.')).map((k) => k.path));
    // The names a user-chosen map key may take, by the map's path.
    this.mapKeys = new Map(keys.filter((k) => k.mapKeys).map((k) => [k.path, new Set(k.mapKeys)]));
  }

  /** Whether the path names a key (or a map of keys) of the customer file. */
  public knows(dotted: string): boolean {
    if (this.legacy.has(dotted)) return true;
    const parts = dotted.split('.');
    return this.paths.some((known) => known.length >= parts.length && parts.every((part, i) => {
      if (part === known[i] || isPlaceholder(part)) return true;
      // A credential name where the schema has `<credential>`.
      return isPlaceholder(known[i]) && (this.mapKeys.get(known.slice(0, i).join('.'))?.has(part) ?? false);
    }));
  }
}

/** File names and hosts, which look like dotted keys: `astrago.yaml`, `monitoring.coreos.com`. */
const NOT_A_KEY = /\.(ya?ml|json|md|ts|txt|sh|agekey|com|io|ai|org|local|svc)$/;
const DOTTED = /^[a-zA-Z][\w]*(\.(<[\w-]+>|[\w-]+))+$/;

/** Key paths of a YAML document, every prefix included. */
function yamlPaths(value: unknown, prefix: string[] = []): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [[...prefix, k].join('.'), ...yamlPaths(v, [...prefix, k])]);
}

/** The anchors GitHub gives the headings of a document (a repeated heading gets `-1`, `-2`, …). */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of splitDocument(text).lines) {
    const heading = !line.inCodeBlock && /^#{1,6}\s+(.*)$/.exec(line.text);
    if (!heading) continue;
    const base = headingAnchor(heading[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

function checkLink(target: string, file: string, text: string, root: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:
  const [pathPart, anchor] = target.split('#');
  if (!pathPart) return anchorsOf(text).has(anchor) ? undefined : `link ${target}: no heading with anchor #${anchor} in ${file}`;
  const resolved = path.resolve(path.dirname(path.join(root, file)), pathPart);
  if (!resolved.startsWith(root + path.sep)) return `link ${target} leaves the repository`;
  if (!fs.existsSync(resolved)) return `link ${target}: ${path.relative(root, resolved)} does not exist`;
  if (anchor && resolved.endsWith('.md') && !anchorsOf(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
    return `link ${target}: no heading with anchor #${anchor} in ${path.relative(root, resolved)}`;
  }
  return undefined;
}

/** Every broken reference of one document, as `file:line: problem`. */
export function checkDocument(file: string, text: string, context: DocContext, keys = new KeyMatcher()): string[] {
  const findings: string[] = [];
  const { lines, blocks } = splitDocument(text);
  for (const line of lines) {
    const report = (problem: string) => findings.push(`${file}:${line.number}: ${problem}`);
    for (const code of line.codeSpans) {
      for (const words of commandWords(code)) checkCommand(words, context.program).forEach(report);
      for (const m of code.matchAll(/npm run ([\w:-]+)/g)) if (!context.scripts.has(m[1])) report(`unknown script \`npm run ${m[1]}\` (package.json)`);
      const span = code.trim();
      if (!line.inCodeBlock && DOTTED.test(span) && !NOT_A_KEY.test(span) && keys.topLevel.has(span.split('.')[0]) && !keys.knows(span)) {
        report(`unknown customer-file key \`${span}\` (config/schema.ts)`);
      }
    }
    if (!line.inCodeBlock) {
      const prose = line.text.replace(/(`+).+?\1/g, '');
      for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        const problem = checkLink(m[1], file, text, context.root);
        if (problem) report(problem);
      }
    }
  }
  // Examples of customer files: every key they set must exist.
  for (const block of blocks.filter((b) => b.info === 'yaml' && /^#.*customers\/[^/\s]+\.yaml/.test(b.text))) {
    for (const key of yamlPaths(parse(block.text))) {
      if (!keys.knows(key)) findings.push(`${file}:${block.firstLine}: unknown customer-file key \`${key}\` in the example (config/schema.ts)`);
    }
  }
  return findings;
}
