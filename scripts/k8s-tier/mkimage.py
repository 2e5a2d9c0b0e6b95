#!/usr/bin/env python3
"""From ../shared/kubelet/mkimage.py (the real-node spike). Write a single-layer image as a docker-archive tarball (the `docker save` format),
which `ctr -n k8s.io images import` accepts. No registry, no docker, stdlib only.

  mkimage.py OUT.tar NAME:TAG --file /src/path:/path/in/image[:mode] ... \
             [--entrypoint JSON-list] [--cmd JSON-list] [--env K=V ...] [--user UID:GID]

The layer gets /etc /tmp /proc /sys /dev directories plus the given files (mtime 0,
uid/gid 0), so the same inputs give the same image digest.
"""
import argparse, hashlib, io, json, os, tarfile

ap = argparse.ArgumentParser()
ap.add_argument("out"); ap.add_argument("ref")
ap.add_argument("--file", action="append", default=[])
ap.add_argument("--link", action="append", default=[], help="TARGET:/path  (symlink)")
ap.add_argument("--entrypoint"); ap.add_argument("--cmd")
ap.add_argument("--env", action="append", default=[])
ap.add_argument("--user")
a = ap.parse_args()

def ti(name, typ, mode, size=0):
    t = tarfile.TarInfo(name); t.type = typ; t.mode = mode; t.size = size
    t.mtime = 0; t.uid = t.gid = 0; t.uname = t.gname = ""
    return t

layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as tf:
    dirs = {"etc": 0o755, "tmp": 0o1777, "proc": 0o555, "sys": 0o555, "dev": 0o755}
    files = []
    for spec in a.file:
        parts = spec.split(":")
        src, dst = parts[0], parts[1].lstrip("/")
        mode = int(parts[2], 8) if len(parts) > 2 else (os.stat(src).st_mode & 0o7777)
        files.append((src, dst, mode))
        d = os.path.dirname(dst)
        while d:
            dirs.setdefault(d, 0o755); d = os.path.dirname(d)
    for d in sorted(dirs):
        tf.addfile(ti(d + "/", tarfile.DIRTYPE, dirs[d]))
    links = []
    for spec in a.link:
        tgt, dst = spec.split(":", 1); dst = dst.lstrip("/")
        links.append((tgt, dst))
        d = os.path.dirname(dst)
        while d:
            if d not in dirs: tf.addfile(ti(d + "/", tarfile.DIRTYPE, 0o755)); dirs[d] = 0o755
            d = os.path.dirname(d)
    for tgt, dst in sorted(links, key=lambda x: x[1]):
        t = ti(dst, tarfile.SYMTYPE, 0o777); t.linkname = tgt; tf.addfile(t)
    for src, dst, mode in sorted(files, key=lambda x: x[1]):
        with open(src, "rb") as f:
            data = f.read()
        tf.addfile(ti(dst, tarfile.REGTYPE, mode, len(data)), io.BytesIO(data))
layer_bytes = layer.getvalue()
diff_id = hashlib.sha256(layer_bytes).hexdigest()

cfg = {"Env": a.env or ["PATH=/usr/local/bin:/usr/bin:/bin:/"]}
if a.entrypoint: cfg["Entrypoint"] = json.loads(a.entrypoint)
if a.cmd: cfg["Cmd"] = json.loads(a.cmd)
if a.user: cfg["User"] = a.user
config = {
    "architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
    "config": cfg,
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]},
    "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "mkimage.py"}],
}
config_bytes = json.dumps(config, sort_keys=True).encode()
config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
manifest = [{"Config": config_name, "RepoTags": [a.ref], "Layers": [diff_id + "/layer.tar"]}]

with tarfile.open(a.out, "w", format=tarfile.PAX_FORMAT) as out:
    def add(name, data):
        out.addfile(ti(name, tarfile.REGTYPE, 0o644, len(data)), io.BytesIO(data))
    out.addfile(ti(diff_id + "/", tarfile.DIRTYPE, 0o755))
    add(diff_id + "/layer.tar", layer_bytes)
    add(config_name, config_bytes)
    add("manifest.json", json.dumps(manifest).encode())
print(f"{a.out}: {a.ref} layer sha256:{diff_id[:12]} ({len(layer_bytes)} bytes)")
