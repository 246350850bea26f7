#!/usr/bin/env python3
"""The peer of `coopscope hr import` for missions files: the same validation
(docs/hr-records.md: header, field count, required cells, length, control
characters, UTF-8, country codes, allowed purposes, dates, end >= start, known
person, one row per natural key), the same pseudonyms (HMAC-SHA256 under the
database's salt) and the same upsert into the same SQLite table, all in one
transaction that is rolled back on any error.  Standard library only.

usage: hr_peer.py DB missions.csv
"""
import csv
import datetime
import hashlib
import hmac
import io
import sqlite3
import sys

COUNTRIES = set("""DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR MU
YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN UG EH ZM ZW AQ BV GS HM TF AF AM AZ BH BD BT BN KH CN GE HK
IN ID IR IQ IL JP JO KZ KW KG LA LB MO MY MV MN MM NP KP OM PK PS PH QA SA SG KR LK SY TW TJ TH TL TR TM AE UZ VN YE IO CC
CX AL AD AT BY BE BA BG HR CY CZ DK EE FO FI FR DE GI GR GG HU IS IE IM IT JE XK LV LI LT LU MT MD MC ME NL MK NO PL PT RO
RU SM RS SK SI ES SJ SE CH UA GB VA AX AI AG AW BS BB BZ BM BQ VG CA KY CR CU CW DM DO SV GL GD GP GT HT HN JM MQ MX MS NI
PA PR BL KN LC MF PM VC SX TT TC US VI AS AU CK FJ PF GU KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV UM VU WF AR BO
BR CL CO EC FK GF GY PY PE SR UY VE""".split())
PURPOSES = ["conference", "research", "fieldwork", "teaching", "meeting", "training", "other"]
COLUMNS = ["person_id", "unit", "country", "city", "institution", "start_date", "end_date", "purpose", "instrument"]
REQUIRED = {"person_id", "unit", "country", "city", "start_date", "end_date", "purpose", "instrument"}
KEY = ["person_id", "start_date", "country", "city", "institution"]
MAX_CELL = 1024


def check_date(v):
    if len(v) != 10 or v[4] != "-" or v[7] != "-":
        return False
    try:
        d = datetime.date(int(v[0:4]), int(v[5:7]), int(v[8:10]))
    except ValueError:
        return False
    return 1900 <= d.year <= 2100


def main():
    db_path, path = sys.argv[1], sys.argv[2]
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA cache_size=-262144")
    salt = bytes.fromhex(db.execute("SELECT value FROM meta WHERE key='salt'").fetchone()[0])
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"{path}: invalid UTF-8 at byte {e.start}", file=sys.stderr)
        return 3
    if text.startswith("\ufeff"):
        text = text[1:]
    db.execute("BEGIN IMMEDIATE")
    known = {r[0] for r in db.execute("SELECT person_id FROM people")}
    purged = {r[0] for r in db.execute("SELECT person_id FROM purged")}
    errors = []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader)]
    idx = {}
    for i, h in enumerate(header):
        if h not in COLUMNS or h in idx:
            errors.append((1, h, "unknown or repeated column"))
        idx[h] = i
    for c in REQUIRED:
        if c not in idx:
            errors.append((1, c, "required column missing"))
    pseudonyms = {}
    rows = {}
    width = len(header)
    line = 1
    for fields in reader:
        line = reader.line_num
        if len(fields) != width:
            errors.append((line, "", f"{width} fields"))
            continue
        vals = {}
        ok = True
        for c in COLUMNS:
            v = fields[idx[c]].strip(" \t") if c in idx else ""
            if not v:
                if c in REQUIRED:
                    errors.append((line, c, "required"))
                    ok = False
                vals[c] = ""
                continue
            if len(v.encode()) > MAX_CELL or any(ord(ch) < 0x20 for ch in v):
                errors.append((line, c, "length or control character"))
                ok = False
                continue
            if c == "country":
                v = v.upper()
                if v not in COUNTRIES:
                    errors.append((line, c, "country"))
                    ok = False
            elif c in ("start_date", "end_date"):
                if not check_date(v):
                    errors.append((line, c, "date"))
                    ok = False
            elif c == "purpose":
                low = v.lower()
                if low not in PURPOSES:
                    errors.append((line, c, "purpose"))
                    ok = False
                v = low
            vals[c] = v
        if not ok:
            continue
        if vals["end_date"] < vals["start_date"]:
            errors.append((line, "end_date", "before start"))
            continue
        pid = vals["person_id"]
        p = pseudonyms.get(pid)
        if p is None:
            p = "p" + hmac.new(salt, pid.encode(), hashlib.sha256).hexdigest()[:20]
            pseudonyms[pid] = p
        if p in purged:
            continue
        if p not in known:
            errors.append((line, "person_id", "unknown person"))
            continue
        vals["person_id"] = p
        key = tuple(vals[k] for k in KEY)
        if key in rows:
            errors.append((line, "", "repeated key"))
            continue
        rows[key] = tuple(vals[c] for c in COLUMNS)
    if errors:
        db.execute("ROLLBACK")
        for e in errors[:20]:
            print(f"{path}:{e[0]}: {e[1]}: {e[2]}", file=sys.stderr)
        return 3
    sets = ",".join(f"{c}=excluded.{c}" for c in COLUMNS if c not in KEY)
    differs = " OR ".join(f"missions.{c} IS NOT excluded.{c}" for c in COLUMNS if c not in KEY)
    db.executemany(
        f"INSERT INTO missions({','.join(COLUMNS)}) VALUES({','.join('?' * len(COLUMNS))}) "
        f"ON CONFLICT({','.join(KEY)}) DO UPDATE SET {sets} WHERE {differs}",
        (rows[k] for k in sorted(rows)))
    db.execute("COMMIT")
    print(f"{path}: {len(rows)} rows loaded", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
