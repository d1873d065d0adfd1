/**
 * What the Astrago platform itself needs from the cluster beyond our tree (contract §7): a
 * Flux that still serves the API versions its backend creates objects in.
 */
import { fluxSupported, SUPPORTED_FLUX } from '../../catalog/platform';
import { Severity } from '../model/finding';
import type { Rule } from './rule';

const fluxVersion: Rule = {
  id: 'platform/flux-version',
  description: `the customer's fluxVersion is one the platform runs on (Flux ${SUPPORTED_FLUX.min}–${SUPPORTED_FLUX.max})`,
  check: (ctx) => (ctx.fluxVersion === undefined || fluxSupported(ctx.fluxVersion) ? [] : [{
    customer: ctx.customer,
    file: `customers/${ctx.customer}.yaml`,
    rule: 'platform/flux-version',
    severity: Severity.WARNING,
    message: `fluxVersion: expected Flux ${SUPPORTED_FLUX.min} to ${SUPPORTED_FLUX.max}, found ${ctx.fluxVersion} (the platform creates helm.toolkit.fluxcd.io/v2beta2 HelmReleases, removed in Flux 2.8; this tree needs source.toolkit.fluxcd.io/v1 from 2.3)`,
  }]),
};

export const PLATFORM_RULES: readonly Rule[] = [fluxVersion];
