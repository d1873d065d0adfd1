import type { ValidationContext } from '../model/context';
import { Severity, type Finding } from '../model/finding';
import { formatRef, refOf, type Manifest } from '../model/manifest';

/** One check over all objects of a customer. Rules are pure: same objects, same findings. */
export interface Rule {
  /** Stable id printed in every finding, e.g. `flux/source-ref`. */
  readonly id: string;
  /** What the rule guarantees, for `--help`-style listings and reviewers. */
  readonly description: string;
  check(ctx: ValidationContext): Finding[];
}

/** The findings a rule makes, each carrying the rule's id. */
export interface RuleFindings {
  /** A finding on an object of the tree. @default severity Severity.ERROR */
  on(m: Manifest, message: string, severity?: Severity): Finding;
  /** A finding on a file as a whole, no object in it. @default severity Severity.ERROR */
  inFile(file: string, message: string, severity?: Severity): Finding;
}

export interface RuleSpec {
  /** What the rule guarantees. */
  readonly description: string;
  check(ctx: ValidationContext, findings: RuleFindings): Finding[];
}

/** A rule whose id is written once: its findings are made through `findings`, which stamps the id on each. */
export function defineRule(id: string, spec: RuleSpec): Rule {
  return {
    id,
    description: spec.description,
    check: (ctx) => spec.check(ctx, {
      on: (m, message, severity = Severity.ERROR) =>
        ({ customer: ctx.customer, file: m.file, object: formatRef(refOf(m.object)), rule: id, severity, message }),
      inFile: (file, message, severity = Severity.ERROR) => ({ customer: ctx.customer, file, rule: id, severity, message }),
    }),
  };
}
