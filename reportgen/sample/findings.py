"""Catalogues of vulnerability and compliance findings the Console reports for scanned images
and hosts. Every image or host gets a fixed set of findings, so repeated scans agree."""

from __future__ import annotations

import random
from typing import NamedTuple

# cve, severity, package, package_version, vendor_status ("" = field omitted), vulnerability_id
CVES: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "CVE-2024-6387",
        "critical",
        "openssh",
        "1:8.9p1-3ubuntu0.6",
        "fixed in 1:8.9p1-3ubuntu0.10",
        "46",
    ),
    ("CVE-2024-3094", "critical", "xz-utils", "5.6.0-0.2", "fixed in 5.6.1+really5.4.5-1", "46"),
    ("CVE-2023-4863", "high", "libwebp7", "1.2.4-0.2", "fixed in 1.2.4-0.2+deb12u1", "46"),
    ("CVE-2023-38545", "high", "curl", "7.88.1-10", "fixed in 7.88.1-10+deb12u4", "46"),
    ("CVE-2023-44487", "high", "nghttp2", "1.52.0-1", "fixed in 1.52.0-1+deb12u1", "46"),
    ("CVE-2022-3602", "high", "openssl", "3.0.2-0ubuntu1.6", "fixed in 3.0.2-0ubuntu1.7", "46"),
    ("CVE-2023-45853", "critical", "zlib1g", "1:1.2.13.dfsg-1", "will not fix", "46"),
    ("CVE-2017-8845", "low", "lzo2", "2.08-1.2", "deferred", "46"),
    ("CVE-2022-27943", "low", "gcc-12", "12.2.0-14", "deferred", "46"),
    ("CVE-2023-29383", "low", "shadow", "1:4.13+dfsg1-1", "", "46"),
    ("CVE-2023-4039", "medium", "gcc-12", "12.2.0-14", "deferred", "46"),
    ("CVE-2023-52425", "medium", "expat", "2.5.0-1", "fixed in 2.5.0-1+deb12u1", "46"),
    ("CVE-2019-11236", "medium", "urllib3", "1.24.1", "fixed in 1.24.3", "410"),
    ("CVE-2023-32681", "medium", "requests", "2.28.1", "fixed in 2.31.0", "410"),
    ("CVE-2022-40897", "medium", "setuptools", "65.5.0", "fixed in 65.5.1", "410"),
    ("CVE-2024-24790", "critical", "go", "1.21.5", "fixed in 1.21.11", "47"),
    ("CVE-2023-39325", "high", "golang.org/x/net", "v0.15.0", "fixed in 0.17.0", "47"),
    (
        "CVE-2021-44228",
        "critical",
        "org.apache.logging.log4j_log4j-core",
        "2.14.1",
        "fixed in 2.15.0",
        "415",
    ),
    ("CVE-2022-25883", "medium", "semver", "7.3.7", "fixed in 7.5.2", "49"),
    (
        "ALAS-2023-1932",
        "high",
        "kernel",
        "4.14.326-245.539.amzn2",
        "fixed in 4.14.328-248.540.amzn2",
        "46",
    ),
)

DESCRIPTIONS = {
    "46": "Image contains vulnerable OS packages",
    "47": "Image contains vulnerable Go components",
    "49": "Image contains vulnerable Node.js components",
    "410": "Image contains vulnerable Python components",
    "415": "Image contains vulnerable Java components",
}

# compliance_id, severity, description
COMPLIANCE: tuple[tuple[str, str, str], ...] = (
    ("41", "high", "(CIS_Docker_v1.5.0 - 4.1) Image should be created with a non-root user"),
    (
        "44",
        "medium",
        "(CIS_Docker_v1.5.0 - 4.6) Add HEALTHCHECK instruction to the container image",
    ),
    ("422", "critical", "Image contains binaries used for crypto mining"),
    ("448", "high", "(CIS_Docker_v1.5.0 - 4.8) Ensure setuid and setgid permissions are removed"),
    ("51", "critical", "(CIS_Docker_v1.5.0 - 5.4) Ensure that privileged containers are not used"),
    (
        "59",
        "medium",
        "(CIS_Docker_v1.5.0 - 5.9) Ensure that the host's network namespace is not shared",
    ),
    ("526", "medium", "(CIS_Docker_CE_v1.1.0 - 5.26) Check container health at runtime"),
    ("6518", "high", "(CIS_Linux_1.1.0 - 5.1.8) Ensure at/cron is restricted to authorized users"),
    ("6112", "medium", "(CIS_Linux_1.1.0 - 1.1.2) Ensure separate partition exists for /tmp"),
    ("6521", "high", "(CIS_Linux_1.1.0 - 5.2.8) Ensure SSH root login is disabled"),
)

VULN_RULES = ("Default - alert all components", "Default - alert on critical and high", "prod")
COMPLIANCE_RULES = (
    "Default - alert on critical and high",
    "Default - ignore Prisma Cloud components",
)


def vulnerability_fields(entry: tuple[str, str, str, str, str, str], rule: str, host: str) -> str:
    """`vulnerability_id ... host` fields of a vulnerability record, in the vendor's order."""
    cve, severity, package, version, status, vid = entry
    vendor = f' vendor_status="{status}"' if status else ""
    return (
        f'vulnerability_id="{vid}" description="{DESCRIPTIONS[vid]}" cve="{cve}" '
        f'severity="{severity}" package="{package}" package_version="{version}"{vendor} '
        f'rule="{rule}" host="{host}"'
    )


def compliance_fields(entry: tuple[str, str, str], rule: str, host: str) -> str:
    """`compliance_id ... host` fields of a compliance record."""
    cid, severity, description = entry
    return (
        f'compliance_id="{cid}" severity="{severity}" description="{description}" '
        f'rule="{rule}" host="{host}"'
    )


class Profile(NamedTuple):
    """The fixed findings of one scanned object (image, host or container)."""

    vulnerabilities: int
    compliance: int
    cves: tuple[tuple[str, str, str, str, str, str], ...]
    checks: tuple[tuple[str, str, str], ...]


def profile(rng: random.Random, *, host_scan: bool = False) -> Profile:
    """Random but fixed findings for one object; hosts get Linux checks, images Docker ones."""
    cves = tuple(rng.sample(CVES, rng.randint(1, 6)))
    pool = [c for c in COMPLIANCE if c[0].startswith("6") == host_scan]
    checks = tuple(rng.sample(pool, rng.randint(0, min(3, len(pool)))))
    return Profile(len(cves) + rng.randint(4, 180), len(checks) + rng.randint(0, 20), cves, checks)
