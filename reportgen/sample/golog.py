"""Ordinary Go log chatter of the Defender (`defender.log`) and the Console (`console.log`).

A body is the level (4 letters) followed directly by `file.go:LINE message`; the stream writer
puts the timestamp between the two. Error lines keep the real logs' two spaces after the source
position. No chatter text contains "violation", "denied" or the token "nc".
"""

from __future__ import annotations

import random
from collections.abc import Callable

from reportgen.sample import vocab
from reportgen.sample.hosts import Container
from reportgen.sample.timefmt import NS

Maker = Callable[[int], str]

CERT_DIR = "/var/lib/twistlock/custom-certificates"
CONSOLE_WSS = "wss://twistlock-console:8084: dial tcp 10.96.0.23:8084: i/o timeout"
SAML_ERROR = (
    "uri=/api/v1/authenticate; error=failed to check if saml user exists: invalid issuer: "
    "https://console.twistlock.com/adfs/services/trust"
)
API_PATHS = (
    "/api/v1/defenders?connected=true",
    "/api/v1/images",
    "/api/v1/audits/runtime/container",
    "/api/v1/stats/dashboard",
)


class Chatter:
    """Weighted kinds of chatter lines; `kinds(n)` draws kinds, `render(kind, t)` a body."""

    def __init__(self, rng: random.Random, makers: list[tuple[float, Maker]]) -> None:
        self.rng = rng
        self.weights = [w for w, _ in makers]
        self.makers = [m for _, m in makers]

    def kinds(self, n: int) -> list[int]:
        """`n` random kinds, by weight."""
        return self.rng.choices(range(len(self.makers)), self.weights, k=n)

    def render(self, kind: int, t: int) -> str:
        """The body of a line of `kind` at time `t`."""
        return self.makers[kind](t)


def defender_chatter(rng: random.Random, containers: tuple[Container, ...]) -> Chatter:
    """Chatter of one Defender running `containers`."""
    pick, rand = rng.choice, rng.randint

    def runc(t: int) -> str:
        op = pick(("create", "start", "start", "delete", "kill", "state"))
        cid = pick(containers).id[:12]
        return f"DEBUruntime_proxy.go:212 Received runc {op} request for container {cid}"

    def fs_monitor(t: int) -> str:
        name = pick(containers).name
        return f"DEBUfs_monitor.go:77 Started filesystem monitor for container {name}"

    def policy(t: int) -> str:
        rules = f"{rand(8, 14)} runtime rules, {rand(2, 5)} access rules"
        return f"INFOpolicy.go:318 Received policy update: {rules}"

    def audits(t: int) -> str:
        n, queue = rand(1, 40), rand(0, 9)
        return f"DEBUws_client.go:143 Sent {n} audit messages to console (queue {queue})"

    def certs(t: int) -> str:
        return f"DEBUcert_watcher.go:45 Watching custom certificates directory: {CERT_DIR}"

    def upload(t: int) -> str:
        dest = f"DestLogs:defender_{t // NS}.tar.gz Lines:{rand(2, 5000)}"
        return f"INFOdefender.go:2042 Received upload logs message: &{{{dest}}}"

    def model(t: int) -> str:
        image, left = pick(containers).image, f"{rand(0, 23)}h{rand(0, 59)}m"
        return (
            f"DEBUprofile.go:412 Runtime model for image {image} is in learning mode ({left} left)"
        )

    def scan(t: int) -> str:
        image, secs = pick(containers).image, rand(8, 90) / 10
        found = f"{rand(0, 140)} vulnerabilities, {rand(0, 9)} compliance issues"
        return f"INFOscanner.go:556 Image scan completed for {image} in {secs}s: {found}"

    def ports(t: int) -> str:
        name, port = pick(containers).name, pick((80, 443, 5432, 6379, 8080))
        return f"DEBUnetstat.go:88 Listening ports updated for container {name}: [{port}]"

    def cgroup(t: int) -> str:
        pid = rand(300, 65000)
        return (
            f"WARNcgroup.go:97 Failed to read cgroup for pid {pid}: "
            f"open /proc/{pid}/cgroup: no such file or directory"
        )

    def console_down(t: int) -> str:
        return f"ERROws_client.go:201  Failed to connect to console {CONSOLE_WSS}"

    def runc_proxy(t: int) -> str:
        return (
            "ERROdefender.go:932  Failed to start runc proxy listen unix /var/run/tw.runc.sock: "
            "bind: read-only file system"
        )

    def custom_certs(t: int) -> str:
        return "DEBUdefender.go:1928 Using custom directory certificates"

    def host_model(t: int) -> str:
        found = f"{rand(1, 6)} new processes, {rand(0, 3)} new listening ports"
        return f"DEBUhost_profile.go:233 Host runtime model updated: {found}"

    return Chatter(
        rng,
        [
            (30, runc),
            (8, fs_monitor),
            (6, policy),
            (25, audits),
            (2, certs),
            (3, upload),
            (8, model),
            (5, scan),
            (6, ports),
            (4, cgroup),
            (1, console_down),
            (0.2, runc_proxy),
            (0.5, custom_certs),
            (4, host_model),
        ],
    )


def console_chatter(rng: random.Random, hosts: list[str], images: list[str]) -> Chatter:
    """Chatter of the Console managing Defenders on `hosts`."""
    pick, rand = rng.choice, rng.randint

    def connected(t: int) -> str:
        return f"INFOdefender_manager.go:412 Defender {pick(hosts)} connected (version 32.07.123)"

    def disconnected(t: int) -> str:
        return (
            f"WARNdefender_manager.go:455 Defender {pick(hosts)} disconnected: "
            "websocket: close 1006 (abnormal closure): unexpected EOF"
        )

    def access(t: int) -> str:
        api = pick(("create", "start", "exec_create", "list"))
        fields = (
            f'ID:ObjectIdHex("") Hostname:{pick(hosts)} User:{pick(vocab.ALLOW_USERS)} '
            f"Type:docker Allow:true RuleName:Default - allow all API:{api}"
        )
        return f"DEBUpubsub_defender.go:931 Access audit {{{fields}}}"

    def registry(t: int) -> str:
        return (
            "INFOscan_manager.go:281 Registry scan completed for registry.example.com/shop: "
            f"{rand(20, 60)} images in {rand(30, 900)}s"
        )

    def intel(t: int) -> str:
        found = f"{rand(180000, 190000)} CVEs, {rand(9000, 9999)} malware signatures"
        return f"DEBUintelligence.go:180 Intelligence stream updated: {found}"

    def api(t: int) -> str:
        return f"DEBUapi.go:512 GET {pick(API_PATHS)} 200 {rand(2, 900)}ms"

    def image_scan(t: int) -> str:
        return f"INFOscan_manager.go:233 Queued image scan for {pick(images)}"

    def saml(t: int) -> str:
        return f"ERROroute_handler.go:7926  Operation failed: {SAML_ERROR}"

    def license_check(t: int) -> str:
        return (
            f"INFOlicense.go:97 License check passed: 40 defenders licensed, {len(hosts)} connected"
        )

    return Chatter(
        rng,
        [
            (8, connected),
            (2, disconnected),
            (20, access),
            (3, registry),
            (4, intel),
            (40, api),
            (10, image_scan),
            (0.5, saml),
            (2, license_check),
        ],
    )
