"""The Defender hosts of the snapshot and the containers that run on them."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

FIXED_HOSTS = ("prod-web-1", "prod-db-2", "stage-1", "cto-stable-ubuntu.c.cto-sandbox.internal")
CTO_HOST = FIXED_HOSTS[3]

_K8S_CHARS = "bcdfghjklmqrstvwxz2456789"  # no "n": a pod suffix never reads as a word like "nc"

# role -> (namespace or "" for plain Docker, ((container, image), ...))
_ROLES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "web": ("shop", (
        ("web", "registry.example.com/shop/web:1.8.2"),
        ("web", "registry.example.com/shop/web:1.8.2"),
        ("cart", "registry.example.com/shop/cart:2.4.0"),
        ("ingress", "registry.k8s.io/ingress-nginx/controller:v1.9.4"),
        ("redis", "redis:7.2.4"),
        ("fluent-bit", "fluent/fluent-bit:2.2.0"),
    )),
    "db": ("data", (
        ("postgres", "postgres:15.5"),
        ("pgbouncer", "bitnami/pgbouncer:1.21.0"),
        ("pg-backup", "registry.example.com/ops/pg-backup:2.1"),
        ("node-exporter", "prom/node-exporter:v1.7.0"),
    )),
    "stage": ("staging", (
        ("web", "registry.example.com/shop/web:1.9.0-rc1"),
        ("api", "registry.example.com/shop/api:2.3.0-rc2"),
        ("ci-runner", "gitlab/gitlab-runner:v16.6.1"),
        ("build", "registry.example.com/ci/build-image:2026.11"),
    )),
    "sandbox": ("", (
        ("sandbox_alice", "ubuntu:22.04"),
        ("sandbox_dave", "ubuntu:22.04"),
        ("dreamy_rosalind", "python:3.12-slim"),
        ("jupyter", "jupyter/scipy-notebook:2023-10-20"),
    )),
}  # fmt: skip


@dataclass(frozen=True)
class Container:
    """A running container: `name` is the Docker name with its leading slash."""

    name: str
    id: str
    image: str
    image_id: str


@dataclass(frozen=True)
class Host:
    """A Defender host.

    `weight` is its share of the Defender lines (relative to other hosts), `violation_rate` the
    fraction of its Go log lines that report runtime violations, `lead` the optional space before
    the level in its Go log (older Defender builds omit it).
    """

    name: str
    index: int
    pid: int
    weight: float
    violation_rate: float
    lead: str
    cluster: str
    containers: tuple[Container, ...]


def host_names(count: int) -> list[str]:
    """The first `count` host names: the four fixed ones, then prod-web-3, prod-web-4, ..."""
    extra = [f"prod-web-{i}" for i in range(3, count - len(FIXED_HOSTS) + 3)]
    return [*FIXED_HOSTS, *extra][:count]


def image_id(image: str) -> str:
    """A stable `sha256:` image id for an image name (the same on every host)."""
    return "sha256:" + hashlib.sha256(image.encode()).hexdigest()


def _container(rng: random.Random, namespace: str, name: str, image: str) -> Container:
    cid = f"{rng.getrandbits(256):064x}"
    if namespace:
        pod_hash = f"{rng.getrandbits(32):08x}"[: rng.choice((6, 8))]
        suffix = "".join(rng.choice(_K8S_CHARS) for _ in range(5))
        uid = f"{rng.getrandbits(32):08x}"
        full = f"/k8s_{name}_{name}-{pod_hash}-{suffix}_{namespace}_{uid}_0"
    else:
        full = f"/{name}"
    return Container(full, cid, image, image_id(image))


def make_hosts(rng: random.Random, count: int) -> list[Host]:
    """The `count` Defender hosts; prod-web-1 is the noisy one (several times the volume)."""
    hosts: list[Host] = []
    for index, name in enumerate(host_names(count)):
        role, weight, rate, cluster = {
            0: ("web", 4.0, 0.016, "prod-eks"),
            1: ("db", 1.0, 0.022, "prod-eks"),
            2: ("stage", 0.7, 0.04, "stage-eks"),
            3: ("sandbox", 0.8, 0.055, ""),
        }.get(index, ("web", 1.2, 0.018, "prod-eks"))
        namespace, specs = _ROLES[role]
        containers = tuple(_container(rng, namespace, c, image) for c, image in specs)
        pid = rng.randint(900, 32000)
        lead = "" if index == 3 else " "
        hosts.append(Host(name, index, pid, weight, rate, lead, cluster, containers))
    return hosts
