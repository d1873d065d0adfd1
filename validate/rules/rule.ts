import type { ValidationContext } from '../model/context';
import type { Finding } from '../model/finding';

/** One check over all objects of a customer. Rules are pure: same objects, same findings. */
export interface Rule {
  /** Stable id printed in every finding, e.g. `flux/source-ref`. */
  readonly id: string;
  /** What the rule guarantees, for `--help`-style listings and reviewers. */
  readonly description: string;
  check(ctx: ValidationContext): Finding[];
}
