import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { OneShotJob, type OneShotJobProps } from '../../constructs/core/one-shot-job';
import { oneOf } from './synth';

const job = (props: Partial<OneShotJobProps> = {}) => {
  const chart = Testing.chart();
  new OneShotJob(chart, 'job', {
    name: 'db-password', namespace: 'db', labels: { 'app.kubernetes.io/name': 'db-password' },
    image: 'docker.io/library/postgres:16', uid: 999,
    script: 'echo "$USER_NAME"', env: { USER_NAME: 'app' }, secretEnv: { PASSWORD: { name: 'db', key: 'password' } },
    generation: 2,
    ...props,
  });
  return oneOf(chart, k8s.KubeJob);
};

describe('OneShotJob', () => {
  test('its name is <name>-<generation>-<hash of its spec>: a new generation or any change of the spec is a new Job, the same input the same name', () => {
    const name = job().metadata?.name;
    expect(name).toMatch(/^db-password-2-[0-9a-f]{10}$/);
    expect(job().metadata?.name).toBe(name);
    expect(job({ generation: 3 }).metadata?.name).toMatch(/^db-password-3-/);
    const others = [job({ script: 'true' }), job({ image: 'docker.io/library/postgres:17' }), job({ secretEnv: { PASSWORD: { name: 'db', key: 'other' } } }), job({ env: { USER_NAME: 'x' } })];
    for (const other of others) expect(other.metadata?.name?.replace(/^db-password-2-/, '')).not.toBe(name?.replace(/^db-password-2-/, ''));
  });

  test('runs the script once with bash, values only from Secret references, non-root on a read-only root filesystem', () => {
    const spec = job().spec!;
    expect(spec.selector).toBeUndefined();
    const pod = spec.template.spec!;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    const [container] = pod.containers;
    expect(container.command).toEqual(['bash', '-c', 'echo "$USER_NAME"']);
    expect(container.env).toEqual([
      { name: 'USER_NAME', value: 'app' },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ]);
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true, runAsUser: 999, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
    });
    expect(Object.keys(spec.template.metadata?.labels ?? {})).toEqual(['app.kubernetes.io/name']);
  });
});
