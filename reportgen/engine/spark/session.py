"""Starting or reaching Spark: a local or cluster SparkSession, or a Spark Connect client.

Every failure before the first query is one `EngineError` line a person can act on: PySpark not
installed, Java missing or too old (local and cluster masters run a JVM on this machine), Spark
unreachable (naming the URL), a setting Spark refused. Spark's own logging is kept to errors,
its progress bars off, so a build prints what it prints on DuckDB.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import urlparse

from reportgen.engine.options import DEFAULT_MASTER, SparkOptions, shown_url
from reportgen.engine.spark.messages import first_line
from reportgen.errors import EngineError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

MIN_JAVA = 17
JVM_DIR = "/usr/lib/jvm"
CONNECT_TIMEOUT_S = 10.0
"""How long to wait for a TCP connection to a Spark master or Spark Connect server."""
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",  # the dialect's date functions rely on it
    "spark.sql.ansi.enabled": "true",  # the generated SQL is written for it (try_cast...)
    "spark.sql.variable.substitute": "false",  # `${x}` in a query's text stays as written
}
LOCAL_CONF = {
    "spark.app.name": "reportgen",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": str(max(2, os.cpu_count() or 2)),
}
_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark: %p %c{1}: %m%n
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
"""
"""Spark's log4j2 settings for a JVM reportgen starts: errors only (the loggers of the shell and of
PySpark's gateway too, else Spark resets the level to WARN and says so)."""
_JAVA_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


def start_session(options: SparkOptions) -> tuple[SparkSession, Path | None]:
    """A SparkSession for `options` and the temporary file to remove when it stops."""
    _quiet_python_loggers()
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineError(
            "--engine spark needs PySpark", hint="install it: pip install 'reportgen[spark]'"
        ) from None
    if options.remote:
        _probe(options.remote, "Spark Connect server")
        return _connect(options), None
    # under spark-submit, its --master and --conf stand unless --spark-master says otherwise
    submitted = bool(os.environ.get("PYSPARK_GATEWAY_PORT"))
    master = options.master or (None if submitted else DEFAULT_MASTER)
    if master is not None and master.startswith("spark://"):
        _probe(master, "Spark master")
    if not submitted:
        check_java()
    log4j = Path(tempfile.mkstemp(prefix="reportgen-log4j-", suffix=".properties")[1])
    log4j.write_text(_LOG4J)
    builder = SparkSession.builder
    if master is not None:
        builder = builder.master(master)
    settings = {**LOCAL_CONF, **SESSION_CONF, **dict(options.conf)}
    java_options = f"-Dlog4j.configurationFile={log4j.as_uri()}"
    for key in ("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions"):
        settings[key] = f"{java_options} {settings.get(key, '')}".strip()
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:
        log4j.unlink(missing_ok=True)
        raise EngineError(
            f"Spark could not start (--spark-master {master or 'from spark-submit'}): "
            f"{first_line(error)}",
            hint="check --spark-master and --spark-conf",
        ) from None
    return session, log4j


def _connect(options: SparkOptions) -> SparkSession:
    """A new Spark Connect session (the client class itself: a classic session in the same
    process, as in tests, does not stand in the way)."""
    from pyspark.sql.connect.session import SparkSession as RemoteSession

    assert options.remote is not None
    try:
        session = RemoteSession.builder.remote(options.remote).create()
        for key, value in {**SESSION_CONF, **dict(options.conf)}.items():
            session.conf.set(key, value)
    except Exception as error:
        raise EngineError(
            f"cannot use Spark Connect at {shown_url(options.remote)}: {first_line(error)}",
            hint="static settings (spark.executor.*, spark.driver.*) belong to the server",
        ) from None
    return cast("SparkSession", session)


def check_java() -> None:
    """Raise EngineError unless a Java runtime of at least MIN_JAVA can be started. Java is
    looked for in $JAVA_HOME, on PATH, then in Debian's /usr/lib/jvm (JAVA_HOME is then set
    for Spark's launcher)."""
    install = "install a Java runtime (Debian: apt-get install openjdk-17-jre-headless)"
    java = find_java()
    if java is None:
        raise EngineError(
            "Java is missing: Spark needs a Java 17+ runtime on this machine",
            hint=f"{install}, or use --spark-remote sc://host:port",
        )
    major = java_version(java)
    if major < MIN_JAVA:
        raise EngineError(
            f"Java {major or '?'} found ({java}): Spark needs Java {MIN_JAVA} or newer",
            hint=install,
        )
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        os.environ["JAVA_HOME"] = str(java.parent.parent)


def find_java() -> Path | None:
    """The `java` executable Spark would use (or could, from /usr/lib/jvm)."""
    home = os.environ.get("JAVA_HOME")
    if home:
        return Path(home) / "bin" / "java" if (Path(home) / "bin" / "java").exists() else None
    on_path = shutil.which("java")
    if on_path is not None:
        return Path(on_path)
    # Debian's runtimes, the supported versions first (17, then 21), then any other
    found = sorted(Path(JVM_DIR).glob("*/bin/java")) if Path(JVM_DIR).is_dir() else []
    preferred = [j for v in ("-17-", "-21-") for j in found if v in j.parent.parent.name]
    candidates = preferred or found
    return candidates[0] if candidates else None


def java_version(java: Path) -> int:
    """The major version of a `java` executable (0 when it cannot tell)."""
    try:
        shown = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=60, check=False
        ).stderr
    except OSError:
        return 0
    found = _JAVA_VERSION.search(shown)
    major = int(found.group(1)) if found else 0
    return int(found.group(2) or 0) if found and major == 1 else major


def _probe(url: str, what: str) -> None:
    """Raise EngineError naming `url` unless its host accepts a TCP connection."""
    parsed = urlparse(url)
    host = parsed.hostname
    default = 15002 if parsed.scheme == "sc" else 7077
    try:
        port = parsed.port or default
    except ValueError:
        port = None
    if not host or port is None:
        raise EngineError(
            f"invalid {what} URL '{shown_url(url)}'", hint="expected e.g. sc://host:15002"
        )
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise EngineError(
            f"cannot reach the {what} at {shown_url(url)}: {reason}",
            hint="check the host and port, and that the server is running",
        ) from None


def _quiet_python_loggers() -> None:
    """PySpark logs every failed query as JSON on stderr; reportgen reports it itself."""
    try:
        from pyspark.logger import PySparkLogger
    except ImportError:
        return
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = True
    logging.getLogger("py4j").setLevel(logging.ERROR)
