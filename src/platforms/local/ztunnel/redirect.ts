/**
 * Traffic redirection inside an ambient pod's namespace, as istio-cni installs it: a port of
 * ztunnel's own `scripts/ztunnel-redirect-inpod.sh` (tag 1.30.3). Outbound TCP goes to ztunnel's
 * in-pod :15001, inbound to :15006 (plaintext) or :15008 (HBONE, left alone); packets ztunnel
 * marks 0x539 pass, and connmark 0x111 plus routing table 100 let it answer with the client's
 * original source address. All of it lives in the pod's namespace and goes with it.
 */
import { execInNetns, ip } from '../netns/exec.ts';

export function inpodRedirectRules(): string {
  return `*mangle
:ISTIO_OUTPUT - [0:0]
:ISTIO_PRERT - [0:0]
-A PREROUTING -j ISTIO_PRERT
-A OUTPUT -j ISTIO_OUTPUT
-A ISTIO_OUTPUT -m connmark --mark 0x111/0xfff -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff
-A ISTIO_PRERT -m mark --mark 0x539/0xfff -j CONNMARK --set-xmark 0x111/0xfff
COMMIT
*nat
:ISTIO_OUTPUT - [0:0]
:ISTIO_PRERT - [0:0]
-A OUTPUT -j ISTIO_OUTPUT
-A PREROUTING -j ISTIO_PRERT
-A ISTIO_OUTPUT -d 169.254.7.127/32 -p tcp -m tcp -j ACCEPT
-A ISTIO_OUTPUT ! -o lo -p udp -m mark ! --mark 0x539/0xfff -m udp --dport 53 -j REDIRECT --to-ports 15053
-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -p tcp -m tcp --dport 53 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15053
-A ISTIO_OUTPUT -p tcp -m mark --mark 0x111/0xfff -j ACCEPT
-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -j ACCEPT
-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001
-A ISTIO_PRERT -s 169.254.7.127/32 -p tcp -m tcp -j ACCEPT
-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp ! --dport 15008 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15006
COMMIT
`;
}

export async function applyInpodRedirect(podNetns: string): Promise<void> {
  await execInNetns(podNetns, 'iptables-restore', ['--wait', '10', '--noflush'], inpodRedirectRules());
  await ip(['-n', podNetns, 'route', 'add', 'local', '0.0.0.0/0', 'dev', 'lo', 'table', '100']);
  await ip(['-n', podNetns, 'rule', 'add', 'fwmark', '0x111/0xfff', 'pref', '32764', 'lookup', '100']);
}
