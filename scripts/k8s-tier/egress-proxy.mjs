// The Kubernetes test tier's egress proxy (scripts/k8s-tier.sh): the apiserver refuses loopback
// node addresses, so nodes get NODE_IP and the apiserver's "cluster" egress comes here, CONNECT
// NODE_IP:PORT on a unix socket, spliced to kwok on loopback; any other target is refused.
// Usage: node egress-proxy.mjs SOCKET NODE_IP:PORT=127.0.0.1:PORT...
import fs from 'node:fs';
import net from 'node:net';
const [sock, ...maps] = process.argv.slice(2);
if (!sock || !maps.every((m) => /^[^=]+=[^=]+:\d+$/.test(m))) throw new Error('usage: egress-proxy.mjs SOCKET FROM=HOST:PORT...');
const routes = new Map(maps.map((m) => { const [from = '', to = ''] = m.split('='); const i = to.lastIndexOf(':'); return [from, { host: to.slice(0, i), port: Number(to.slice(i + 1)) }]; }));
for (const { host } of routes.values()) if (!/^(127\.|localhost$)/.test(host)) throw new Error(`refusing non-loopback target ${host}`);
try { fs.unlinkSync(sock); } catch {}
const server = net.createServer((client) => {
  let buf = Buffer.alloc(0);
  const onData = (/** @type {Buffer} */ chunk) => {
    buf = Buffer.concat([buf, chunk]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) { if (buf.length > 8192) client.destroy(); return; }
    client.off('data', onData);
    const target = /^CONNECT (\S+) HTTP\/1\.[01]\r\n/.exec(buf.subarray(0, end + 2).toString('latin1'))?.[1];
    const route = target === undefined ? undefined : routes.get(target);
    if (!route) { console.error(`denied: ${target ?? 'malformed request'}`); client.end('HTTP/1.1 403 Forbidden\r\n\r\n'); return; }
    const upstream = net.connect(route.port, route.host, () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      const rest = buf.subarray(end + 4);
      if (rest.length) upstream.write(rest);
      client.pipe(upstream).pipe(client);
    });
    const close = () => { client.destroy(); upstream.destroy(); };
    upstream.on('error', (e) => { if (!client.writableEnded) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'); console.error(`upstream ${target}: ${e.message}`); close(); });
    client.on('error', close); upstream.on('close', close); client.on('close', close);
  };
  client.on('data', onData);
  client.on('error', () => client.destroy());
});
server.listen(sock, () => fs.chmodSync(sock, 0o600));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); try { fs.unlinkSync(sock); } catch {} process.exit(0); });
