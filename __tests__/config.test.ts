import { formatProblem, loadCustomerText } from '../config/load';
import { MINIMAL } from './helpers';

const load = (yaml: string) => loadCustomerText(yaml, 'acme', 'customers/acme.yaml');
const errorLines = (yaml: string) => load(yaml).errors.map(formatProblem);

describe('customer file validation', () => {
  test('a minimal ip-mode file is valid and gets the built-in defaults', () => {
    const { config, errors } = load(MINIMAL);
    expect(errors).toEqual([]);
    expect(config).toMatchObject({
      name: 'acme',
      profile: 'prod',
      nfs: { server: '10.0.0.6', basePath: '/kube_storage', storageClassName: 'astrago-nfs-csi' },
      monitoring: { retention: '1y', storageSize: '50Gi', gpuScrapeInterval: '15s', nodePorts: false },
      components: { gpuOperator: { enabled: true }, harbor: { enabled: true } },
    });
  });

  test('an unknown key is an error naming file, line, key and a suggestion', () => {
    expect(errorLines(`${MINIMAL}monitoring:\n  retension: 30d\n`)).toEqual([
      'customers/acme.yaml:5: monitoring.retension: expected a known key (did you mean "retention"?), found unknown key "retension"',
    ]);
  });

  test('an unknown top-level key lists the known keys when nothing is close', () => {
    const [line] = errorLines(`${MINIMAL}helmfile: true\n`);
    expect(line).toMatch(/^customers\/acme\.yaml:4: helmfile: expected one of the known keys: .*externalAccess.*, found unknown key "helmfile"$/);
  });

  test('a malformed IPv4 address is rejected with what was found', () => {
    expect(errorLines('externalAccess: {mode: ip, ip: {address: 10.0.0.300}}\nnfs: {server: 10.0.0.6}\n')).toEqual([
      'customers/acme.yaml:1: externalAccess.ip.address: expected an IPv4 address such as 10.0.0.5, found "10.0.0.300"',
    ]);
  });

  test.each([
    ['a malformed hostname', 'externalAccess: {mode: domain, domain: {name: Demo_Astrago}}\nnfs: {server: 10.0.0.6}\n', 'externalAccess.domain.name', 'found "Demo_Astrago"'],
    ['a relative NFS path', `${MINIMAL}nfs: {server: 10.0.0.6, basePath: kube_storage}\n`.replace('nfs: {server: 10.0.0.6}\n', ''), 'nfs.basePath', 'found "kube_storage"'],
    ['an NFS path with a right-to-left override', `${MINIMAL}nfs: {server: 10.0.0.6, basePath: "/srv/\u202Egpj.exe"}\n`.replace('nfs: {server: 10.0.0.6}\n', ''), 'nfs.basePath', 'found "/srv/\\u202egpj.exe"'],
    ['a missing NFS server', 'externalAccess: {mode: ip, ip: {address: 10.0.0.5}}\n', 'nfs.server', 'found nothing'],
    ['an ip-mode file without address', 'nfs: {server: 10.0.0.6}\n', 'externalAccess.ip.address', 'found nothing'],
    ['a domain-mode file without name', 'externalAccess: {mode: domain}\nnfs: {server: 10.0.0.6}\n', 'externalAccess.domain.name', 'found nothing'],
    ['a wrong type', `${MINIMAL}components: {harbor: {enabled: "no"}}\n`, 'components.harbor.enabled', 'expected true or false, found "no"'],
    ['an unknown mode', 'externalAccess: {mode: nodeport}\nnfs: {server: 10.0.0.6}\n', 'externalAccess.mode', 'found "nodeport"'],
    ['a latest image tag', `${MINIMAL}astrago: {components: {core: {tag: latest}}}\n`, 'astrago.components.core.tag', 'found "latest"'],
    ['TLS without issuer or secret', 'externalAccess: {mode: domain, domain: {name: a.example.com, tls: {enabled: true}}}\nnfs: {server: 10.0.0.6}\n', 'externalAccess.domain.tls', 'expected issuer or secretName'],
  ])('%s is one error line on its key', (_what, yaml, keyPath, text) => {
    const lines = errorLines(yaml);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(` ${keyPath}: `);
    expect(lines[0]).toContain(text);
  });

  test('a version override is refused for the platform, which is not a chart', () => {
    expect(errorLines(`${MINIMAL}components: {astrago: {version: 1.0.0}}\n`)).toEqual([
      expect.stringContaining('components.astrago.version: expected one of the known keys: enabled, found unknown key "version"'),
    ]);
  });

  test('a key hiding a right-to-left override is shown escaped, in its place, wherever it stands in the line', () => {
    expect(errorLines(`${MINIMAL}monitoring: {"reten\u202Etion": 2d}\n`)).toEqual([
      expect.stringMatching(/^customers\/acme\.yaml:4: monitoring\.reten\\u202etion: expected .*, found unknown key "reten\\u202etion"$/),
    ]);
  });

  test('every problem of a file is reported at once', () => {
    const lines = errorLines('externalAccess: {mode: ip, ip: {address: 1.2.3}}\nnfs: {basePath: x}\nfoo: 1\n');
    expect(lines.map((l) => l.split(': ')[1]).sort()).toEqual(['externalAccess.ip.address', 'foo', 'nfs.basePath', 'nfs.server']);
  });

  test('YAML syntax errors are reported with their line, without a stack trace', () => {
    const [line] = errorLines('nfs:\n  server: [10.0.0.6\n');
    expect(line).toMatch(/^customers\/acme\.yaml:\d+: \(file\): expected valid YAML, found /);
  });

  test('a file name that is not a DNS-1123 name is refused', () => {
    const { errors } = loadCustomerText(MINIMAL, 'Acme_Corp', 'customers/Acme_Corp.yaml');
    expect(errors.map(formatProblem)).toEqual([expect.stringContaining('expected a file name that is a DNS-1123 name')]);
  });
});

describe('keys of the old values files', () => {
  test('keys the old system never read load with a warning naming their replacement', () => {
    const { config, warnings, errors } = load(`${MINIMAL}externalIP: 10.0.0.5\noffline: {httpServer: http://10.0.0.9}\nkeycloak: {servicePort: 30001}\n`);
    expect(errors).toEqual([]);
    expect(config).toBeDefined();
    expect(warnings.map(formatProblem)).toEqual([
      expect.stringMatching(/^customers\/acme\.yaml:4: externalIP: .*use externalAccess\.ip\.address/),
      expect.stringMatching(/:6: keycloak\.servicePort: .*externalAccess/),
      expect.stringMatching(/:5: offline\.httpServer: .*use offline\.git: charts come from this Git repository/),
    ]);
  });

  test('a plain-text credential is an error that points to the credential model', () => {
    const lines = errorLines(`${MINIMAL}keycloak: {adminPassword: hunter2}\n`);
    expect(lines).toEqual([expect.stringMatching(/keycloak\.adminPassword: expected no plain-text password here; use the credential "keycloak-admin"/)]);
    expect(lines[0]).not.toContain('hunter2');
  });
});

describe('layering: defaults → profile → customer file', () => {
  test('a profile changes defaults and the customer file wins over it', () => {
    const { config } = load(`${MINIMAL}profile: dev\nmonitoring: {retention: 14d}\n`);
    expect(config!.monitoring).toMatchObject({ retention: '14d', storageSize: '10Gi' });
    expect(config!.components.harbor.enabled).toBe(false);
    expect(config!.astrago.components.core.replicas).toBe(1);
  });

  test('lists replace instead of merging', () => {
    const { config } = load(`${MINIMAL}astrago: {global: {imagePullSecrets: [a, b]}}\n`);
    expect(config!.astrago.global.imagePullSecrets).toEqual(['a', 'b']);
  });
});
