/**
 * A throwaway certificate authority and the certificates it signs, made with the openssl CLI
 * (node:crypto makes keys, not X.509 certificates; openssl ships with every HAProxy install and
 * every Debian). Shared by the platforms: the local mesh's identities, the workload's own TLS.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RunError } from '../errors.ts';

const run = promisify(execFile);

export async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (cause) {
    const e = cause as NodeJS.ErrnoException & { stderr?: string };
    throw new RunError({
      what: e.code === 'ENOENT' ? 'openssl is not installed' : `openssl failed: ${e.stderr?.trim() ?? e.message}`,
      where: 'the run\'s certificates (openssl)',
      fix: 'install it: `sudo apt-get install -y openssl`',
      cause,
    });
  }
}

/** Issues a certificate signed by the CA in `dir` (ca.crt, ca.key). */
export async function issue(dir: string, name: string, san: string, extendedUsage: string): Promise<{ pem: string; crt: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const crt = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  // keyUsage as in Istio's workload certificates; Envoy's SPIFFE validator refuses a leaf without digitalSignature.
  await writeFile(ext, `subjectAltName=${san}\nextendedKeyUsage=${extendedUsage}\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n`);
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/O=meshbench/CN=${name}`]);
  await openssl(['x509', '-req', '-in', csr, '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-out', crt, '-extfile', ext]);
  const pem = join(dir, `${name}.pem`);
  await writeFile(pem, (await readFile(crt, 'utf8')) + (await readFile(key, 'utf8')), { mode: 0o600 });
  return { pem, crt, key };
}

/** A CA of two days in `dir` (ca.crt, ca.key). */
export async function createCa(dir: string, commonName: string): Promise<void> {
  await openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-days', '2', '-subj', `/O=meshbench/CN=${commonName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}
