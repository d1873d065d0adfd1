/**
 * The questions `init` asks when it runs in a terminal without the required flags. Each answer
 * is checked against the customer schema while it is typed; the file is shown before it is written.
 */
import { answerProblems, customerFileText, nameProblem, type NewCustomer } from '../config/new-customer';
import { DEFAULT_KUBERNETES_VERSION, DEFAULT_NFS_BASE_PATH, DEFAULT_PROFILE, PROFILES } from '../config/schema';
import { customerDistFolder, customerFile } from '../model/layout';
import type { Prompts } from './prompts';

type Answer = Exclude<keyof NewCustomer, 'name'>;

/** A validator for one answer: the schema's own message, `expected …, found …`. */
function check(answer: Answer, required: boolean): (value: string) => true | string {
  return (value) => {
    if (value.trim() === '') return required ? 'required' : true;
    const [problem] = answerProblems(answer, value.trim());
    return problem ? `expected ${problem.expected}, found ${problem.found}` : true;
  };
}

const optional = (value: string) => value.trim() || undefined;
/** `kubectl version` prints `v1.30.4`; the file holds `1.30.4`. */
const withoutV = (value: string) => value.trim().replace(/^v/, '');

/**
 * Completes the answers given as flags by asking for the rest, then shows the file.
 * Returns the answers, or undefined when the person declines to write the file.
 */
export async function runWizard(
  prompts: Prompts,
  given: Partial<NewCustomer>,
  nameTaken: (name: string) => string | undefined,
  show: (text: string) => void,
): Promise<NewCustomer | undefined> {
  const name = given.name ?? (await prompts.input({
    message: 'Customer name (the file and dist/ folder name)',
    validate: (v) => nameProblem(v) ?? (nameTaken(v) ? `a new name: ${nameTaken(v)}` : true),
  }));
  let { ip, domain, tlsIssuer, tlsSecret } = given;
  if (!ip && !domain) {
    const mode = await prompts.select({
      message: 'How do users reach the platform?',
      choices: [{ name: 'By IP address (http://<ip>)', value: 'ip' }, { name: 'By domain name', value: 'domain' }],
    });
    if (mode === 'domain') domain = (await prompts.input({ message: 'Domain name', validate: check('domain', true) })).trim();
    else ip = (await prompts.input({ message: 'IP address users reach (the ingress LoadBalancer IP)', validate: check('ip', true) })).trim();
  }
  if (domain && !tlsIssuer && !tlsSecret) {
    const tls = await prompts.select({
      message: 'HTTPS',
      choices: [
        { name: 'No TLS (plain HTTP)', value: 'none' },
        { name: 'Certificate from a cert-manager ClusterIssuer', value: 'issuer' },
        { name: 'Existing TLS Secret in the astrago namespace', value: 'secret' },
      ],
    });
    if (tls === 'issuer') tlsIssuer = (await prompts.input({ message: 'ClusterIssuer name', validate: check('tlsIssuer', true) })).trim();
    if (tls === 'secret') tlsSecret = (await prompts.input({ message: 'TLS Secret name', validate: check('tlsSecret', true) })).trim();
    if (!ip) ip = optional(await prompts.input({ message: 'LoadBalancer IP of the ingress (empty: assigned by the cluster)', validate: check('ip', false) }));
  }
  const nfsServer = given.nfsServer ?? (await prompts.input({ message: 'NFS server address', validate: check('nfsServer', true) })).trim();
  const nfsPath = given.nfsPath ?? (await prompts.input({ message: 'NFS export path', default: DEFAULT_NFS_BASE_PATH, validate: check('nfsPath', true) })).trim();
  // The cluster's own fact, written even when it is the proposed one: the binpack scheduler must match it.
  const kubernetesVersion = given.kubernetesVersion ?? withoutV(await prompts.input({
    message: 'Kubernetes version of the cluster (kubectl version: Server Version)',
    default: DEFAULT_KUBERNETES_VERSION,
    validate: (v) => check('kubernetesVersion', true)(withoutV(v)),
  }));
  const offlineRegistry = given.offlineRegistry
    ?? optional(await prompts.input({ message: 'Mirror registry for an air-gapped cluster (empty: online)', validate: check('offlineRegistry', false) }));
  const profile = given.profile ?? (await prompts.select<(typeof PROFILES)[number]>({
    message: 'Profile',
    choices: PROFILES.map((p) => ({ name: p, value: p })),
    default: DEFAULT_PROFILE,
  }));
  const ageRecipient = given.ageRecipient
    ?? optional(await prompts.input({ message: 'age public key to encrypt credentials for (empty: generate a key pair)', validate: check('ageRecipient', false) }));
  const answers: NewCustomer = {
    name, ip, domain, tlsIssuer, tlsSecret, nfsServer, nfsPath, offlineRegistry, ageRecipient,
    profile: profile === DEFAULT_PROFILE ? undefined : profile,
    ingressController: given.ingressController, kubernetesVersion,
  };
  show(`\n${customerFile(name)}:\n\n${customerFileText(answers)}`);
  return (await prompts.confirm({ message: `Write ${customerFile(name)} and synthesize ${customerDistFolder(name)}/?`, default: true })) ? answers : undefined;
}
