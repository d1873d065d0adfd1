import { Testing } from 'cdk8s';
import { Kustomization, SOPS_AGE_SECRET } from '../../constructs/flux/kustomization';
import { Kustomization as KustomizationL1 } from '../../imports/kustomize.toolkit.fluxcd.io';
import { named, oneOf } from './synth';

describe('Kustomization', () => {
  test('applies one folder of the bootstrap repository, pruning and waiting, from flux-system', () => {
    const chart = Testing.chart();
    new Kustomization(chart, 'k', { name: 'infrastructure-controllers', path: './dist/acme/infrastructure/controllers' });
    const k = oneOf(chart, KustomizationL1);
    expect(k.metadata).toEqual({ name: 'infrastructure-controllers', namespace: 'flux-system' });
    expect(k.spec).toEqual({
      interval: '10m', retryInterval: '2m', timeout: '5m',
      path: './dist/acme/infrastructure/controllers', prune: true, wait: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    });
  });

  test('dependencies are named with their namespace; interval and wait follow the props; the timeout covers the slowest thing waited for', () => {
    const chart = Testing.chart();
    const first = new Kustomization(chart, 'a', { name: 'a', path: './a', waitsFor: [{ timeout: '90s' }] });
    const second = new Kustomization(chart, 'b', { name: 'b', path: './b', dependsOn: [first], waitsFor: [{ timeout: '10m' }, { timeout: '1h20m' }], interval: '1h', wait: false });
    expect(first.timeout).toBe('5m');
    expect(second.timeout).toBe('1h20m');
    expect(named(chart, KustomizationL1, 'b').spec).toMatchObject({ dependsOn: [{ name: 'a', namespace: 'flux-system' }], timeout: '1h20m', interval: '1h', wait: false });
  });

  test('decryptSecrets reads the age key from the sops-age Secret; without it there is no decryption block', () => {
    const chart = Testing.chart();
    new Kustomization(chart, 'a', { name: 'a', path: './a', decryptSecrets: true });
    new Kustomization(chart, 'b', { name: 'b', path: './b' });
    expect(named(chart, KustomizationL1, 'a').spec?.decryption).toEqual({ provider: 'sops', secretRef: { name: SOPS_AGE_SECRET } });
    expect(named(chart, KustomizationL1, 'b').spec).not.toHaveProperty('decryption');
  });
});
