"""Runtime violations and denied Docker commands, and how each appears in both log formats.

A violation is one event, written twice: as a Go line in `defender.log`
(`defender.go:1234 Process violation in container ... (image ...): <msg>`) and as a
`container_runtime_audit` / `host_runtime_audit` record in syslog. A denied command is written as
`access.go:210 The command <cmd> denied for user <user> by rule '<rule>'` in `defender.log` and
as an `access_audit ... allow="false"` record in syslog.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from reportgen.sample import vocab
from reportgen.sample.hosts import Container, Host
from reportgen.sample.timefmt import NS

KINDS = ("Process", "Network", "Filesystem")
KIND_WEIGHTS = (55, 30, 15)
LOG_TYPES = {"Process": "processes", "Network": "network", "Filesystem": "filesystem"}


class Violation(NamedTuple):
    """A runtime violation; `container` is None for a host (service) violation."""

    t: int
    kind: str
    container: Container | None
    service: str
    msg: str
    effect: str


class Denied(NamedTuple):
    """A Docker command refused by an access rule; `quoted` puts the rule in single quotes."""

    t: int
    command: str
    user: str
    rule: str
    quoted: bool = True


def esc(value: str) -> str:
    """A value for a `key="value"` syslog body: inner double quotes backslash-escaped."""
    return value.replace('"', '\\"')


def process_msg(path: str, parent: str, command: str) -> str:
    """The "not found in the runtime model" process message."""
    return (
        f"{path} launched from {parent} but is not found in the runtime model. "
        f"Full command: {command}"
    )


def random_msg(rng: random.Random, kind: str) -> str:
    """A random runtime message of one kind, from the vendor's audit catalogue."""
    if kind == "Process":
        if rng.random() < 0.75:
            return process_msg(*rng.choice(vocab.PROCESSES))
        template, path, command = rng.choice(vocab.PROCESS_SPECIAL)
        return template.format(p=path, c=command)
    if kind == "Network":
        return rng.choice(vocab.NETWORK).format(
            p=rng.choice(vocab.NETWORK_PROCS),
            port=rng.choice(vocab.PORTS),
            ip=rng.choice(vocab.EXTERNAL_IPS + vocab.INTERNAL_IPS),
            d=rng.choice(vocab.DOMAINS),
        )
    return rng.choice(vocab.FILESYSTEM).format(p=rng.choice(vocab.FILESYSTEM_PROCS))


def random_violation(rng: random.Random, host: Host, t: int, kind: str | None = None) -> Violation:
    """A random violation on `host` at time `t` (85% in a container, the rest on the host)."""
    kind = kind or rng.choices(KINDS, KIND_WEIGHTS)[0]
    container = rng.choice(host.containers) if rng.random() < 0.85 else None
    service = "" if container else rng.choice(vocab.HOST_SERVICES)
    return Violation(t, kind, container, service, random_msg(rng, kind), rng.choice(vocab.EFFECTS))


def random_denied(rng: random.Random, t: int) -> Denied:
    """A denied command with a skewed user distribution; a few rules are written unquoted."""
    user = rng.choices(vocab.DENY_USERS, vocab.DENY_USER_WEIGHTS)[0]
    command = rng.choice(vocab.DENY_COMMANDS)
    if user == "svc-ci":
        rule = "ci"
    elif command == "docker_exec":
        rule = "no-exec"
    elif command.startswith("image_"):
        rule = rng.choice(("Deny - deny all docker.io images", "devs_rule"))
    else:
        rule = rng.choice(("prod-readonly", "devs_rule", "Deny"))
    return Denied(t, command, user, rule, quoted=rng.random() > 0.08)


def burst(
    rng: random.Random, host: Host, start: int, count: int, minutes: int = 30
) -> list[Violation]:
    """`count` process violations from one container within `minutes` (a compromised job)."""
    container = host.containers[-1] if len(host.containers) > 2 else host.containers[0]
    spread = minutes * 60 * NS
    times = sorted(start + int(rng.random() * spread) for _ in range(count))
    out = []
    for t in times:
        path, parent, command = rng.choice(vocab.BURST_PROCESSES)
        out.append(
            Violation(t, "Process", container, "", process_msg(path, parent, command), "alert")
        )
    return out


# -- rendering ---------------------------------------------------------------------------------


def violation_go(v: Violation) -> str:
    """Go log body (level + rest) of a violation; `.go:<n> <Kind> violation ` is kept intact."""
    line = vocab.VIOLATION_LINES[v.kind][len(v.msg) % len(vocab.VIOLATION_LINES[v.kind])]
    if v.container is None:
        where = f"in host service {v.service}"
    else:
        where = f"in container {v.container.name} (image {v.container.image})"
    return f"WARNdefender.go:{line} {v.kind} violation {where}: {v.msg}"


def violation_syslog(v: Violation, host: Host) -> str:
    """Syslog body (after `time=`) of a violation: a container or host runtime audit."""
    log_type = LOG_TYPES[v.kind]
    extra = f' account_id="123456789012" cluster="{host.cluster}"' if host.cluster else ""
    c = v.container
    if c is None:
        return (
            f'type="host_runtime_audit" service_name="{v.service}" effect="{v.effect}" '
            f'msg="{esc(v.msg)}" log_type="{log_type}"{extra}'
        )
    return (
        f'type="container_runtime_audit" container_id="{c.id}" container_name="{c.name}" '
        f'image_id="{c.image_id}" image_name="{c.image}" effect="{v.effect}" '
        f'msg="{esc(v.msg)}" log_type="{log_type}"{extra}'
    )


def denied_go(d: Denied) -> str:
    """Go log body of a denied command, the rule in single quotes unless `quoted` is False."""
    rule = f"'{d.rule}'" if d.quoted else d.rule
    return f"WARNaccess.go:210 The command {d.command} denied for user {d.user} by rule {rule}"


def denied_syslog(d: Denied) -> str:
    """Syslog body of a denied command: an access audit with `allow="false"`."""
    return (
        f'type="access_audit" user="{d.user}" action="{d.command}" action_type="docker" '
        f'allow="false" rule="{d.rule}"'
    )
