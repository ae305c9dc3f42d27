"""Background Defender audit records for file syslog (`key="value"` bodies after `time=`).

Process activity (`type="process"`) is the bulk, as in verbose mode; then allowed Docker access
audits, host runtime audits, WAAS (app firewall) audits, file integrity events, CNNF audits and
a few incidents. Violations and denied commands are added by the stream builder (events.py).
"""

from __future__ import annotations

import hashlib
import random

from reportgen.sample import vocab
from reportgen.sample.events import esc
from reportgen.sample.golog import Chatter, Maker
from reportgen.sample.hosts import Host

CNNF_SOURCES = (
    "registry.k8s.io/ingress-nginx/controller:v1.9.4",
    "registry.example.com/shop/web:1.8.2",
    "registry.example.com/shop/cart:2.4.0",
)


def _md5(path: str) -> str:
    return hashlib.md5(path.encode()).hexdigest()


def syslog_audits(rng: random.Random, host: Host) -> Chatter:
    """Weighted background audit records of one Defender host."""
    pick, rand = rng.choice, rng.randint
    containers = host.containers
    # older Defenders (even host indexes) still log the binary's md5
    md5s = {p: f' md5="{_md5(p)}"' if host.index % 2 == 0 else "" for p in vocab.BINARIES}
    extra = f' account_id="123456789012" cluster="{host.cluster}"' if host.cluster else ""
    web = host.index == 0 or host.index >= 4

    def process(t: int) -> str:
        path = pick(vocab.BINARIES)
        interactive = "true" if rand(0, 19) == 0 else "false"
        return (
            f'type="process" pid="{rand(300, 65000)}" path="{path}"{md5s[path]} '
            f'interactive="{interactive}" container_id="{pick(containers).id}"'
        )

    def access(t: int) -> str:
        return (
            f'type="access_audit" user="{pick(vocab.ALLOW_USERS)}" '
            f'action="{pick(vocab.ALLOW_ACTIONS)}" action_type="docker" allow="true" '
            'rule="Default - allow all"'
        )

    def host_runtime(t: int) -> str:
        msg = pick(vocab.HOST_AUDIT_MSGS)
        log_type = "network" if "connection" in msg or "listening" in msg else "processes"
        return (
            f'type="host_runtime_audit" service_name="{pick(vocab.HOST_SERVICES)}" '
            f'effect="alert" msg="{esc(msg)}" log_type="{log_type}"{extra}'
        )

    def waas(t: int) -> str:
        c = pick(containers)
        attack, msg = pick(vocab.WAAS)
        ip = f"{pick((45, 91, 185, 194))}.{rand(1, 254)}.{rand(1, 254)}.{rand(1, 254)}"
        path = pick(vocab.URL_PATHS)
        effect = "prevent" if attack == "violations exceeded" else pick(("alert", "prevent"))
        return (
            f'type="container_app_firewall_audit" container_id="{c.id}" '
            f'container_name="{c.name}" image_name="{c.image}" effect="{effect}" msg="{msg}" '
            f'log_type="{attack}" source_ip="{ip}" source_country="{pick(vocab.COUNTRIES)}" '
            f'connecting_ips="{ip}" request_method="{pick(("GET", "POST", "HEAD"))}" '
            f'request_user_agents="{pick(vocab.USER_AGENTS)}" request_host="shop.example.com" '
            f'request_url="shop.example.com{path}" request_path="{path}" '
            f'status_code="{pick(("403", "404", "200"))}"{extra}'
        )

    def fim(t: int) -> str:
        user = pick(vocab.FIM_USERS)
        return (
            f'type="file_integrity_event_host" event_type="write" path="{pick(vocab.FIM_PATHS)}" '
            f'file_type="2" description="Process vi wrote to path (user: {user})" '
            f'host="{host.name}" process="vi" user="{user}" '
            f'rule="Default - alert on suspicious runtime behavior"{extra}'
        )

    def cnnf(t: int) -> str:
        dst = pick(containers)
        return (
            f'type="container_network_firewall_audit" src_image="{pick(CNNF_SOURCES)}" '
            f'dst_container_name="{dst.name}" dst_image="{dst.image}" '
            f'port="{pick(("80", "443", "5432", "6379"))}" block="false"'
        )

    def incident(t: int) -> str:
        category = pick(vocab.INCIDENTS)
        if category == "serviceViolation":  # a host incident
            return (
                f'type="incident" service_name="{pick(vocab.HOST_SERVICES)}" host="{host.name}" '
                f'incident_category="{category}" audit_ids="{rng.getrandbits(96):024x}"'
            )
        c = pick(containers)
        return (
            f'type="incident" container_id="{c.id}" image_name="{c.image}" host="{host.name}" '
            f'incident_category="{category}"{extra}'
        )

    makers: list[tuple[float, Maker]] = [
        (45, process),
        (20, access),
        (8, host_runtime),
        (6 if web else 1, waas),
        (4, fim),
        (3, cnnf),
        (0.3, incident),
    ]
    return Chatter(rng, makers)
