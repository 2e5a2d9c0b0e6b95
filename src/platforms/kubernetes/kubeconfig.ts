/**
 * Which cluster, as kubectl picks it: `--kubeconfig FILE`, else every file of `KUBECONFIG`
 * merged, else ~/.kube/config, else the pod's own service account (so meshbench can run as a CI
 * pod); then `--context NAME` or the current context. Nothing read here is ever printed: errors
 * name files and contexts, never their content.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { UsageError } from '../../errors.ts';

export interface ClusterAccess {
  /** `--kubeconfig`: one file, used alone (as kubectl does). */
  kubeconfig?: string | undefined;
  /** `--context`: a context of the loaded configuration instead of its current one. */
  context?: string | undefined;
}

/** The variables read (KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT): the CLI passes its io.env. */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface LoadedKubeConfig {
  kc: KubeConfig;
  /** Where it came from, for messages: file paths or "in-cluster service account". */
  source: string;
  context: string;
}

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** `inClusterRoot`: where the pod's service-account files are mounted, under a prefix (tests). */
export function loadKubeConfig(access: ClusterAccess = {}, env: Environment = process.env, inClusterRoot = ''): LoadedKubeConfig {
  const kc = new KubeConfig();
  let source: string;
  if (access.kubeconfig) {
    kc.loadFromOptions(readFiles([access.kubeconfig], '--kubeconfig'));
    source = access.kubeconfig;
  } else if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter(Boolean);
    // kubectl skips files of KUBECONFIG that do not exist, as long as one does.
    const present = files.filter((f) => existsSync(f));
    if (present.length === 0) throw new UsageError({ what: `none of the files in KUBECONFIG exists (${files.join(delimiter)})`, where: 'KUBECONFIG', fix: 'point KUBECONFIG at your kubeconfig file, or pass --kubeconfig FILE' });
    kc.loadFromOptions(readFiles(present, 'KUBECONFIG'));
    source = present.join(delimiter);
  } else if (existsSync(join(env.HOME ?? homedir(), '.kube', 'config'))) {
    const file = join(env.HOME ?? homedir(), '.kube', 'config');
    kc.loadFromOptions(readFiles([file], file));
    source = file;
  } else if (env.KUBERNETES_SERVICE_HOST && existsSync(inClusterRoot + IN_CLUSTER_TOKEN)) {
    // client-node reads the address from process.env itself.
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = env.KUBERNETES_SERVICE_HOST;
    process.env.KUBERNETES_SERVICE_PORT = env.KUBERNETES_SERVICE_PORT ?? '443';
    try {
      kc.loadFromCluster(inClusterRoot);
    } finally {
      restoreEnv('KUBERNETES_SERVICE_HOST', saved.host);
      restoreEnv('KUBERNETES_SERVICE_PORT', saved.port);
    }
    source = 'in-cluster service account';
  } else {
    throw new UsageError({ what: 'no Kubernetes configuration found', where: 'kubeconfig', fix: 'set KUBECONFIG, pass --kubeconfig FILE, or create ~/.kube/config (e.g. `aws eks update-kubeconfig`, `kind create cluster`)' });
  }
  if (access.context) {
    if (!kc.getContextObject(access.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new UsageError({ what: `context "${access.context}" is not in ${source}`, where: '--context', fix: known.length ? `use one of: ${known.join(', ')}` : 'the configuration defines no context' });
    }
    kc.setCurrentContext(access.context);
  }
  const context = kc.getCurrentContext();
  if (!context || !kc.getCurrentCluster()) {
    throw new UsageError({ what: `no current context in ${source}`, where: 'kubeconfig', fix: 'pass --context NAME, or run `kubectl config use-context NAME`' });
  }
  return { kc, source, context };
}

/**
 * kubectl's merge: for clusters, users and contexts the first file that names one wins, and the
 * current context is the first one set. (client-node's own merge lets the last file win and throws
 * on a name defined twice.)
 */
function readFiles(files: string[], where: string): { clusters: Cluster[]; users: User[]; contexts: Context[]; currentContext: string } {
  const merged = { clusters: [] as Cluster[], users: [] as User[], contexts: [] as Context[], currentContext: '' };
  const addNew = <T extends { name: string }>(into: T[], items: readonly T[]) => {
    for (const item of items) if (!into.some((x) => x.name === item.name)) into.push(item);
  };
  for (const file of files) {
    const one = new KubeConfig();
    if (!existsSync(file)) throw new UsageError({ what: `kubeconfig file ${file} does not exist`, where, fix: 'check the path' });
    try {
      one.loadFromFile(file);
    } catch {
      // Not chained: a YAML error quotes the file, which may hold a token.
      throw new UsageError({ what: `kubeconfig file ${file} could not be read as a kubeconfig`, where, fix: 'check it with `kubectl config view --kubeconfig FILE`' });
    }
    addNew(merged.clusters, one.getClusters());
    addNew(merged.users, one.getUsers());
    addNew(merged.contexts, one.getContexts());
    merged.currentContext ||= one.getCurrentContext() ?? '';
  }
  return merged;
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
