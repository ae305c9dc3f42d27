"""The Console's files: its Go log (`console.log*`) and the network syslog it sends to a relay.

The relay receives Go `log/syslog` network lines:
`<142>2026-11-20T14:37:50Z twistlock-console-5f6d Twistlock-Console[1]: time="..." type=...`.
They carry scan summaries with their vulnerability and compliance findings (emitted in bursts,
one burst per scan) and management audits (logins, failed logins, rule and settings changes).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from reportgen.sample import findings
from reportgen.sample.clock import MINUTE_NS, Window, sample_times
from reportgen.sample.defender import Entry, ordered
from reportgen.sample.events import esc
from reportgen.sample.golog import console_chatter
from reportgen.sample.hosts import Host, image_id
from reportgen.sample.timefmt import MS, NS, Stamps
from reportgen.sample.writer import Part, write_parts

CONSOLE_HOST = "twistlock-console-5f6d"
RELAY_FILE = "syslog-relay/var/log/remote/twistlock.log"
CONSOLE_DIR = "twistlock-console/var/lib/twistlock/log"
REGISTRY_IMAGES = (
    "registry.example.com/shop/web:1.7.9",
    "registry.example.com/shop/web:1.9.0",
    "registry.example.com/shop/legacy-admin:0.9.4",
    "registry.example.com/ops/toolbox:latest",
)
USERS = ("admin", "alice", "secops@example.com", "ci-bot", "Carol")
USER_IPS = ("10.20.1.5", "10.20.1.17", "10.20.3.41", "192.168.50.12")


def _changes(kind: str, name: str, old: str, new: str) -> str:
    diff = (
        f' {{   "_id": "{kind}",   "rules": [     {{-      "effect": "{old}",'
        f'+      "effect": "{new}",       "name": "{name}"     }}   ] }}'
    )
    return esc(diff)


class Relay:
    """Builds the relay's bodies: scan bursts and management audits."""

    def __init__(self, rng: random.Random, hosts: list[Host]) -> None:
        self.rng = rng
        self.hosts = [h.name for h in hosts]
        self.images: dict[str, str] = {}  # image -> host that runs it
        for h in hosts:
            for c in h.containers:
                self.images.setdefault(c.image, h.name)
        self.containers = [(h.name, c) for h in hosts for c in h.containers]
        self.profiles = {k: findings.profile(rng) for k in [*self.images, *REGISTRY_IMAGES]}
        self.host_profiles = {h: findings.profile(rng, host_scan=True) for h in self.hosts}

    def _image(self) -> list[str]:
        image = self.rng.choice(list(self.images))
        p, host = self.profiles[image], self.images[image]
        iid = image_id(image)
        tail = f' image_id="{iid}" image_name="{image}"'
        out = [
            f'type="scan_summary" log_type="image" image_id="{iid}" image_name="{image}" '
            f'vulnerabilities="{p.vulnerabilities}" compliance="{p.compliance}"'
        ]
        rule = self.rng.choice(findings.VULN_RULES)
        for cve in p.cves:
            fields = findings.vulnerability_fields(cve, rule, host)
            out.append(f'type="image_scan" log_type="vulnerability" {fields}{tail}')
        for check in p.checks:
            fields = findings.compliance_fields(check, findings.COMPLIANCE_RULES[1], host)
            out.append(
                f'type="image_scan" log_type="containerCompliance" {fields} '
                f'image_id="{iid}" image_name="{image}"'
            )
        return out

    def _host(self) -> list[str]:
        host = self.rng.choice(self.hosts)
        p = self.host_profiles[host]
        out = [
            f'type="scan_summary" log_type="host" hostname="{host}" '
            f'vulnerabilities="{p.vulnerabilities}" compliance="{p.compliance}"'
        ]
        for cve in p.cves:
            fields = findings.vulnerability_fields(cve, findings.VULN_RULES[0], host)
            out.append(f'type="host_scan" log_type="vulnerability" {fields}')
        for check in p.checks:
            fields = findings.compliance_fields(check, findings.COMPLIANCE_RULES[0], host)
            out.append(f'type="host_scan" log_type="containerCompliance" {fields}')
        return out

    def _container(self) -> list[str]:
        host, c = self.rng.choice(self.containers)
        checks = self.profiles[c.image].checks
        out = [
            f'type="container_scan" log_type="container" container_id="{c.id}" '
            f'container_name="{c.name}" image_name="{c.image}" compliance="{len(checks)}"'
        ]
        for check in checks:
            fields = findings.compliance_fields(check, findings.COMPLIANCE_RULES[0], host)
            out.append(
                f'type="container_scan" log_type="containerCompliance" {fields} '
                f'container_id="{c.id}" container_name="{c.name}"'
            )
        return out

    def _registry(self) -> list[str]:
        image = self.rng.choice(REGISTRY_IMAGES)
        tail = f' image_id="{image_id(image)}" image_name="{image}"'
        return [
            f'type="registry_scan" log_type="vulnerability" '
            f"{findings.vulnerability_fields(cve, findings.VULN_RULES[0], CONSOLE_HOST)}{tail}"
            for cve in self.profiles[image].cves
        ]

    def scans(self, budget: int) -> list[list[str]]:
        """Scan bursts (each a summary followed by its findings) totalling about `budget` lines."""
        makers = (self._image, self._image, self._host, self._container, self._registry)
        bursts: list[list[str]] = []
        total = 0
        while total < budget:
            burst = self.rng.choice(makers)()
            bursts.append(burst)
            total += len(burst)
        return bursts

    def management(self) -> str:
        """One random management audit (mostly logins)."""
        rng = self.rng
        user, ip = rng.choice(USERS), rng.choice(USER_IPS)
        who = f'username="{user}" source_ip="{ip}"'
        roll = rng.random()
        if roll < 0.7:
            status = "failed login attempt" if roll < 0.07 else "successful login attempt"
            return (
                f'type="management_audit" log_type="login" {who} api="/api/v1/authenticate" '
                f'status="{status}"'
            )
        if roll < 0.9:
            name = rng.choice(("no-exec", "devs_rule", "prod-readonly", "Default - alert all"))
            changes = _changes("containerRuntime", name, "alert", rng.choice(("prevent", "block")))
            api = "/api/v1/policies/runtime/container"
            return f'type="management_audit" log_type="rule" {who} api="{api}" changes="{changes}"'
        api = rng.choice(("/api/v1/settings/logging", "/api/v1/settings/defender"))
        changes = esc(' {-  "enabled": false,+  "enabled": true,   "verbose": true }')
        return f'type="management_audit" log_type="settings" {who} api="{api}" changes="{changes}"'


def relay_entries(
    rng: random.Random, window: Window, hosts: list[Host], budget: int
) -> list[Entry]:
    """All relay bodies with their times: scan bursts, management audits, a brute-force try."""
    relay = Relay(rng, hosts)
    n_mgmt = budget * 15 // 100
    brute = window.ago(30.0)
    entries: list[Entry] = [
        (
            brute + i * 9 * NS + rng.randrange(NS),
            'type="management_audit" log_type="login" username="admin" '
            'source_ip="203.0.113.50" api="/api/v1/authenticate" status="failed login attempt"',
        )
        for i in range(14)
    ]
    entries.append(
        (
            brute + 35 * MINUTE_NS,
            'type="management_audit" log_type="login" username="admin" source_ip="10.20.1.5" '
            'api="/api/v1/authenticate" status="successful login attempt"',
        )
    )
    for t in sample_times(rng, n_mgmt - len(entries), window, base=0.05, slot_s=1800):
        entries.append((t, relay.management()))
    bursts = relay.scans(budget - len(entries))
    times = sample_times(rng, len(bursts), window, base=0.6, slot_s=3600)
    for start, burst in zip(times, bursts, strict=False):
        t = start
        for body in burst:
            entries.append((t, body))
            t += rng.randrange(50_000, 40 * MS)
    return entries


def relay_lines(entries: list[Entry]) -> Iterator[tuple[int, str]]:
    """Go network syslog lines as a relay stores them."""
    tag, stamp = f"{CONSOLE_HOST} Twistlock-Console[1]:", Stamps().relay
    for t, body in entries:
        header, nano = stamp(t)
        yield t, f'<142>{header} {tag} time="{nano}" {body}'


def write_console(
    out: Path, rng: random.Random, window: Window, hosts: list[Host], budget: tuple[int, int]
) -> list[tuple[str, int]]:
    """Write console.log(.1.gz) and the relay file; `budget` is their (Go, relay) line counts."""
    go_budget, relay_budget = budget
    images = sorted({c.image for h in hosts for c in h.containers})
    chatter = console_chatter(rng, [h.name for h in hosts], images)
    times = sample_times(rng, go_budget, window, base=0.45)
    cut = window.at_fraction(0.55)
    cut -= cut % (30 * MINUTE_NS)
    parts = [
        Part(f"{CONSOLE_DIR}/console.log.1.gz", cut),
        Part(f"{CONSOLE_DIR}/console.log", window.end + 1),
    ]
    go: list[Entry] = list(zip(times, chatter.kinds(len(times)), strict=True))

    def lines() -> Iterator[tuple[int, str]]:
        stamp = Stamps().go
        for t, body in ordered(go, MS, window.end):
            text = chatter.render(body, t) if isinstance(body, int) else body
            yield t, f"{text[:4]} {stamp(t)} {text[4:]}"

    written = write_parts(out, parts, lines(), window.end)
    entries = ordered(relay_entries(rng, window, hosts, relay_budget), 1, window.end)
    written += write_parts(
        out, [Part(RELAY_FILE, window.end + 1)], relay_lines(entries), window.end
    )
    return written
