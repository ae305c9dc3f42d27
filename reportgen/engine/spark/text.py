"""Bytes -> lines in Spark SQL, by the rules of reportgen.snapshot.reader (whose constants these
statements use): a UTF-8 byte order mark dropped; UTF-16 with a byte order mark decoded
(`utf16`); CR-only line endings (a carriage return in the first SAMPLE_BYTES and no line feed
in the first block) split at each CR (`cr_line_endings`); binary regions (a line with a NUL
and more than one control byte in ten starts one, which goes on until a line is text again)
dropped but for the text between their NUL runs (`binary_region`); bytes that are not UTF-8
replaced by U+FFFD per line (`invalid_utf8`).

The reader streams a file in chunks; here each file is one row of bytes. A file that is valid
UTF-8 (the usual case) is split as it is; any other is split as ISO-8859-1 text, one character
per byte, so every line keeps its bytes until it is decoded on its own.
"""

from __future__ import annotations

from reportgen.query.sql.spark import SparkDialect
from reportgen.snapshot.formats import DETECT_LINES
from reportgen.snapshot.reader import BLOCK_BYTES, CONTROL_BYTES, SAMPLE_BYTES

SQL = SparkDialect()
lit = SQL.string
CONTROLS = "[" + "".join(f"\\x{code:02X}" for code in CONTROL_BYTES) + "]"
"""A Java class of reader.CONTROL_BYTES."""
BLANK_TEXT = (
    r"^[\t\n\x0B\f\r\x1C-\x1F \x{85}\xA0\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}"
    r"\x{205F}\x{3000}]*\z"
)
"""A line Python's `str.strip()` empties (format detection skips it)."""
BLANK_BYTES = r"^[ \t\n\r\x0B\x0C]*\z"
"""A line `bytes.strip()` empties (it is no text in a binary region)."""
NULS = r"\x00+"
TRAILING_CR = r"\r+\z"


def texts_sql(raw: str) -> str:
    """Per file of `raw` (path, bin): its text `t`, whether it is ISO-8859-1 (`latin`: the
    bytes were not UTF-8), its flags (`utf16`, `cr`), the head of its text that format
    detection reads (`head`, its first SAMPLE_BYTES as ISO-8859-1) and whether the text is
    longer (`more`)."""
    return f"""
WITH a AS (SELECT path, bin, substr(bin, 1, 2) IN (X'FFFE', X'FEFF') AS utf16,
                  substr(bin, 1, 3) = X'EFBBBF' AS bom
           FROM {raw}),
b AS (SELECT path, utf16,
             CASE WHEN utf16 THEN encode(decode(bin, 'UTF-16'), 'UTF-8')
                  WHEN bom THEN substr(bin, 4) ELSE bin END AS tb,
             CASE WHEN utf16 THEN octet_length(
                    encode(decode(substr(bin, 1, {BLOCK_BYTES}), 'UTF-16'), 'UTF-8'))
                  WHEN bom THEN {BLOCK_BYTES - 3} ELSE {BLOCK_BYTES} END AS block
      FROM a),
c AS (SELECT path, utf16, tb,
             instr(decode(substr(tb, 1, {SAMPLE_BYTES}), 'ISO-8859-1'), char(13)) > 0
             AND instr(decode(substr(tb, 1, block), 'ISO-8859-1'), char(10)) = 0 AS cr,
             is_valid_utf8(CAST(tb AS STRING)) AS valid
      FROM b),
d AS (SELECT path, utf16, cr, NOT valid AS latin, octet_length(tb) > {SAMPLE_BYTES} AS more,
             CASE WHEN valid THEN CAST(tb AS STRING) ELSE decode(tb, 'ISO-8859-1') END AS t0,
             decode(substr(tb, 1, {SAMPLE_BYTES}), 'ISO-8859-1') AS h0
      FROM c)
SELECT path, utf16, cr, latin, more,
       CASE WHEN cr THEN replace(t0, char(13), char(10)) ELSE t0 END AS t,
       CASE WHEN cr THEN replace(h0, char(13), char(10)) ELSE h0 END AS head
FROM d
"""


def samples_sql(texts: str) -> str:
    """Per file: its flags and the first DETECT_LINES non-blank lines of its head (complete
    lines only, unless the first line fills the head), trailing CRs stripped, decoded."""
    stripped = f"regexp_replace(x, {lit(TRAILING_CR)}, '')"
    decoded = f"make_valid_utf8(CAST(encode({stripped}, 'ISO-8859-1') AS STRING))"
    whole = "CASE WHEN more AND size(p) > 1 THEN slice(p, 1, size(p) - 1) ELSE p END"
    return f"""
SELECT path, utf16, cr,
       slice(filter(transform({whole}, x -> {decoded}), x -> NOT rlike(x, {lit(BLANK_TEXT)})),
             1, {DETECT_LINES}) AS head
FROM (SELECT path, utf16, cr, more, split(head, char(10), -1) AS p FROM {texts})
"""


def _length(x: str) -> str:
    """Bytes of a piece of text (ISO-8859-1 text: one per character)."""
    return f"CASE WHEN latin THEN length({x}) ELSE octet_length({x}) END"


def _mostly_controls(x: str) -> str:
    controls = f"(length({x}) - length(regexp_replace({x}, {lit(CONTROLS)}, '')))"
    return f"({controls} * 10 > {_length(x)})"


def _is_text(x: str) -> str:
    utf8 = f"(NOT latin OR is_valid_utf8(CAST(encode({x}, 'ISO-8859-1') AS STRING)))"
    return f"(NOT rlike({x}, {lit(BLANK_BYTES)}) AND NOT {_mostly_controls(x)} AND {utf8})"


def lines_sql(texts: str, meta: str) -> str:
    """The lines of every file of `meta` (fid, path): (fid, n, raw, bad_utf8, region), n from
    1. `region` marks where a binary region starts: on the first line kept from it, or on a
    row with no line (NULL n and raw) when it kept none."""
    window = "PARTITION BY fid ORDER BY pos ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
    start = f"(instr(piece, char(0)) > 0 AND {_mostly_controls('piece')})"
    return f"""
WITH x AS (SELECT /*+ BROADCAST(m) */ m.fid, t.latin, instr(t.t, char(0)) > 0 AS nul,
                  split(t.t, char(10), -1) AS s
           FROM {texts} AS t JOIN {meta} AS m ON m.path = t.path),
p AS (SELECT fid, latin, nul, pos, piece, size(s) AS total
      FROM x LATERAL VIEW posexplode(s) e AS pos, piece),
q AS (SELECT * FROM p WHERE NOT (pos = total - 1 AND piece = '')),
plain AS (SELECT fid, latin, pos + 1 AS n, piece, false AS region FROM q WHERE NOT nul),
r AS (SELECT fid, latin, pos, piece, {start} AS st, {_is_text("piece")} AS tx
      FROM q WHERE nul),
r2 AS (SELECT *, coalesce(max(CASE WHEN st THEN pos END) OVER w
                          > coalesce(max(CASE WHEN tx THEN pos END) OVER w, -1), false) AS inside
       FROM r WINDOW w AS ({window})),
r3 AS (SELECT fid, latin, pos,
              inside AND NOT coalesce(lag(inside) OVER (PARTITION BY fid ORDER BY pos), false)
                AS region,
              CASE WHEN inside THEN filter(split(piece, {lit(NULS)}, -1), x -> {_is_text("x")})
                   ELSE array(piece) END AS kept
       FROM r2),
r4 AS (SELECT fid, latin, pos, region, k, piece
       FROM r3 LATERAL VIEW OUTER posexplode(kept) e AS k, piece),
binary AS (SELECT fid, latin,
                  CASE WHEN piece IS NOT NULL THEN row_number() OVER (
                    PARTITION BY fid, piece IS NULL ORDER BY pos, k) END AS n,
                  piece, region AND coalesce(k, 0) = 0 AS region
           FROM r4),
u AS (SELECT * FROM plain UNION ALL SELECT * FROM binary),
v AS (SELECT *, CASE WHEN latin THEN CAST(encode(piece, 'ISO-8859-1') AS STRING) END AS b FROM u)
SELECT fid, CAST(n AS INT) AS n, region,
       coalesce(latin AND NOT is_valid_utf8(b), false) AS bad_utf8,
       CASE WHEN NOT latin THEN piece WHEN is_valid_utf8(b) THEN b ELSE make_valid_utf8(b) END
         AS raw
FROM v
WHERE piece IS NOT NULL OR region
"""
