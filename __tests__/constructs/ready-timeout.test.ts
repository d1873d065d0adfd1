import { Testing } from 'cdk8s';
import { Kustomization } from '../../constructs/flux/kustomization';
import { ReadyTimeout } from '../../constructs/flux/ready-timeout';
import { Kustomization as KustomizationL1 } from '../../imports/kustomize.toolkit.fluxcd.io';
import { oneOf } from './synth';

describe('ReadyTimeout', () => {
  test('renders nothing: it only declares how long the component\'s workloads may take', () => {
    const chart = Testing.chart();
    expect(new ReadyTimeout(chart, 'ready', { timeout: '15m' }).timeout).toBe('15m');
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('the Kustomization that waits for it waits at least that long', () => {
    const chart = Testing.chart();
    const ready = new ReadyTimeout(chart, 'ready', { timeout: '25m' });
    new Kustomization(chart, 'k', { name: 'applications-controllers', path: './a', waitsFor: [ready] });
    expect(oneOf(chart, KustomizationL1).spec?.timeout).toBe('25m');
  });

  test('a timeout that is no Flux duration is refused where it is declared, not when Flux reads it', () => {
    expect(() => new ReadyTimeout(Testing.chart(), 'ready', { timeout: '15 minutes' })).toThrow('"15 minutes" is not a Flux duration such as 10m or 1h30m');
  });
});
