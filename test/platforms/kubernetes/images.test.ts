/**
 * The images that ran, and the pinning of a tag to the digest the first trial's node pulled. The
 * pod statuses are in the form kubelets with containerd report them: a registry image's ID is its
 * repository digest, an image imported without a registry has only its own `sha256:` ID. The real
 * path (imported images on real nodes) is run by test/e2e/kubernetes-real.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { digestOf, ImagePins, type PodImages, ranImages, repositoryOf } from '../../../src/platforms/kubernetes/images.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const OTHER = `sha256:${'cd'.repeat(32)}`;
const pod = (containers: [name: string, image: string, imageID?: string][]): PodImages => ({
  spec: { containers: containers.map(([name, image]) => ({ name, image })) },
  status: { containerStatuses: containers.map(([name, image, imageID]) => ({ name, image, ...(imageID ? { imageID } : {}) })) },
});

test('a registry image\'s ID is its digest reference; an imported image, or one named by digest, gives none', () => {
  assert.is(digestOf('fortio/fortio:1.66.0', `docker.io/fortio/fortio@${DIGEST}`), `docker.io/fortio/fortio@${DIGEST}`);
  assert.is(digestOf('localhost:5000/meshbench/fortio:1.66.0', `localhost:5000/meshbench/fortio@${DIGEST}`), `localhost:5000/meshbench/fortio@${DIGEST}`);
  assert.is(digestOf('fortio/fortio:1.66.0', `docker-pullable://docker.io/fortio/fortio@${DIGEST}`), `docker.io/fortio/fortio@${DIGEST}`);
  assert.is(digestOf('localhost/meshbench/fortio:1.66.0', DIGEST), null, 'imported without a registry: no node could pull it by that ID');
  assert.is(digestOf(`fortio/fortio@${DIGEST}`, `docker.io/fortio/fortio@${DIGEST}`), null, 'already pinned');
  assert.is(digestOf('fortio/fortio:1.66.0', undefined), null, 'not started yet');
  // Seen on the real nodes: the tier's imported image, once pulled from a registry under another
  // name, reports that registry's digest; it is not a digest this name can be pinned to.
  assert.is(digestOf('localhost/meshbench/fortio:1.66.0', `localhost:15999/meshbench/fortio@${DIGEST}`), null);
  assert.is(digestOf('nginx:1.29', `docker.io/library/nginx@${DIGEST}`), `docker.io/library/nginx@${DIGEST}`);
});

test('repositories as a runtime spells them', () => {
  assert.is(repositoryOf('nginx'), 'docker.io/library/nginx');
  assert.is(repositoryOf('fortio/fortio:1.66.0'), 'docker.io/fortio/fortio');
  assert.is(repositoryOf('localhost/meshbench/fortio:1.66.0'), 'localhost/meshbench/fortio');
  assert.is(repositoryOf('localhost:5000/a/b:1'), 'localhost:5000/a/b');
  assert.is(repositoryOf(`registry.example.com/team/app@${DIGEST}`), 'registry.example.com/team/app');
});

test('a tag is pinned after the first trial that pulled it, for meshbench\'s own containers only; the later trials deploy the digest, and the result says so', () => {
  const pins = new ImagePins();
  assert.is(pins.of('fortio/fortio:1.66.0'), 'fortio/fortio:1.66.0');
  pins.learn([pod([['app', 'fortio/fortio:1.66.0', `docker.io/fortio/fortio@${DIGEST}`], ['istio-proxy', 'docker.io/istio/proxyv2:1.30.3', `docker.io/istio/proxyv2@${DIGEST}`]])], ['app'], 1);
  assert.is(pins.of('fortio/fortio:1.66.0'), `docker.io/fortio/fortio@${DIGEST}`);
  assert.is(pins.of('docker.io/istio/proxyv2:1.30.3'), 'docker.io/istio/proxyv2:1.30.3', 'the injector\'s image is not meshbench\'s to pin');
  // The tag moved by trial 2: the pin stays what trial 1 ran.
  pins.learn([pod([['app', 'fortio/fortio:1.66.0', `docker.io/fortio/fortio@${OTHER}`]])], ['app'], 2);
  assert.is(pins.of('fortio/fortio:1.66.0'), `docker.io/fortio/fortio@${DIGEST}`);
  assert.equal(pins.components(), { 'image pin fortio/fortio:1.66.0': `docker.io/fortio/fortio@${DIGEST} (pulled in trial 1; every later trial ran this digest)` });
  const imported = new ImagePins();
  imported.learn([pod([['app', 'localhost/meshbench/fortio:1.66.0', DIGEST]])], ['app'], 1);
  assert.equal(imported.components(), {});
});

test('the images that ran: as asked, with the ID the kubelet reports; a container not started yet is left out', () => {
  assert.equal(ranImages('workload', [pod([['app', 'fortio/fortio:1.66.0', `docker.io/fortio/fortio@${DIGEST}`], ['istio-proxy', 'proxyv2:1.30.3']])]), { 'image workload/app': `fortio/fortio:1.66.0 (docker.io/fortio/fortio@${DIGEST})` });
});

test.run();
