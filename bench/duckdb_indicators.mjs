#!/usr/bin/env node
// The reference side of the benchmark: the collaboration indicators of one
// organisation computed by DuckDB (read_json, newline-delimited, plain or .gz)
// from the same OpenAlex works that coopscope reads.  Prints JSON to stdout.
//
//   node duckdb_indicators.mjs --org I1294671590 --home FR [--threads N] INPUT...
//
// INPUT: JSONL(.gz) files, folders (searched for *.jsonl, *.ndjson, *.gz and
// *.zst, e.g. a snapshot's works/ folder) or globs left to DuckDB.
//
// Definitions: ../../shared/guide/INDICATORS.md, restricted to what plain SQL
// over the records can do without a registry:
//   S       institutions whose id is the root or whose lineage holds the root
//   W(S)    works with an institution in S (after de-duplication)
//   N(w)    number of authorships, also those without institutions
//   f_S(w)  (1/N(w)) Σ_a |I(a) ∩ S| / |I(a)|  (I(a) as listed, duplicates kept)
//   K(w)    ∪_a C(a) ∪ countries of I(a), upper-cased, French overseas codes
//           as FR, HK and MO as CN, anything but two letters dropped
//   flags   int_collab |K|>1; foreign K ∋ c ≠ home; industry an institution
//           (with an id or a ROR) of type company; no_country K = ∅
//   dedup   one record per work id: the newest updated_date (a missing one is
//           the oldest), ties to the later file in sorted path order
//   partners per country c ≠ home: copubs, copubs_frac (Σ f_S), share
// Not computed here: p_collab (needs unified institutions, a graph question
// per work), distances, bootstrap intervals, registry look-ups.

import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';

function usage(message) {
  if (message) process.stderr.write(`duckdb_indicators: ${message}\n`);
  process.stderr.write(
    'usage: node duckdb_indicators.mjs --org I<digits> [--home XX] [--threads N]\n' +
      '         [--memory-limit SIZE] [--ignore-errors] [--read-only] INPUT...\n' +
      '--read-only: only read the same columns (a floor for DuckDB: JSON parsing alone)\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { org: null, home: 'FR', threads: 1, memoryLimit: null, ignoreErrors: false, readOnly: false, inputs: [] };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--org') opts.org = next();
    else if (a === '--home') opts.home = next();
    else if (a === '--threads') opts.threads = Number(next());
    else if (a === '--memory-limit') opts.memoryLimit = next();
    else if (a === '--ignore-errors') opts.ignoreErrors = true;
    else if (a === '--read-only') opts.readOnly = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else opts.inputs.push(a);
  }
  if (!opts.org) usage('--org is required');
  const m = /^(?:https?:\/\/openalex\.org\/)?([Ii]\d+)$/.exec(opts.org);
  if (!m) usage(`--org must be an OpenAlex institution id (I…), not ${opts.org}`);
  opts.org = 'I' + m[1].slice(1);
  if (!/^[A-Za-z]{2}$/.test(opts.home)) usage(`--home must be two letters, not ${opts.home}`);
  opts.home = opts.home.toUpperCase();
  if (!Number.isInteger(opts.threads) || opts.threads < 1) usage('--threads must be a positive integer');
  if (opts.inputs.length === 0) usage('no input');
  return opts;
}

// In folders: JSON lines, compressed or not (snapshot parts are part_NNN.gz);
// plain .json files (manifests, reports) are left out.
const DATA_FILE = /(\.(jsonl|ndjson)(\.gz|\.zst)?|\.gz|\.zst)$/i;

function expandInputs(inputs) {
  const files = [];
  const walk = (dir) => {
    const found = [];
    const visit = (d) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) visit(p);
        else if (DATA_FILE.test(e.name) && !/manifest/i.test(e.name)) found.push(p);
      }
    };
    visit(dir);
    return found.sort();
  };
  for (const input of inputs) {
    if (/[*?[]/.test(input)) files.push(input);  // a glob: DuckDB expands it
    else if (fs.existsSync(input) && fs.statSync(input).isDirectory()) files.push(...walk(input));
    else if (fs.existsSync(input)) files.push(input);
    else usage(`no such input: ${input}`);
  }
  if (files.length === 0) usage('the inputs hold no JSONL file');
  return files;
}

const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

function buildSql(opts, files) {
  const rootUrl = sqlString(`https://openalex.org/${opts.org}`);
  const rootShort = sqlString(opts.org);
  const home = sqlString(opts.home);
  const fileList = `[${files.map(sqlString).join(', ')}]`;
  const columns = `{
      id: 'VARCHAR',
      publication_year: 'BIGINT',
      updated_date: 'VARCHAR',
      authorships: 'STRUCT(institutions STRUCT(id VARCHAR, ror VARCHAR, country_code VARCHAR, type VARCHAR, lineage VARCHAR[])[], countries VARCHAR[], affiliations STRUCT(institution_ids VARCHAR[])[])[]'
    }`;
  // Country policy: two ASCII letters, upper-cased; overseas France and HK/MO.
  const macro = `
    CREATE OR REPLACE TEMP MACRO cc(x) AS
      CASE WHEN regexp_full_match(x, '[A-Za-z]{2}') THEN
        CASE WHEN upper(x) IN ('GF','GP','MQ','RE','YT','PM','BL','MF','WF','PF','NC','TF') THEN 'FR'
             WHEN upper(x) IN ('HK','MO') THEN 'CN'
             ELSE upper(x) END
      END;
    CREATE OR REPLACE TEMP MACRO in_s(x) AS
      x.id IN (${rootUrl}, ${rootShort}) OR list_has_any(x.lineage, [${rootUrl}, ${rootShort}]);
    CREATE OR REPLACE TEMP MACRO has_key(x) AS
      coalesce(x.id, '') <> '' OR coalesce(x.ror, '') <> '';`;
  // One row per record: its facts (the K(w) and industry parts only for works
  // that touch S), then one row per work id.
  // One row per record: f_S(w) for all, K(w) and industry only for the works
  // that touch S (CASE evaluates its branches on the matching rows only).
  // The list_transform([value], v -> ...)[1] idiom names an intermediate list.
  const facts = `
    CREATE TEMP TABLE facts AS
    WITH src AS (
      SELECT id, publication_year AS year, TRY_CAST(updated_date AS TIMESTAMP) AS upd, filename,
             coalesce(authorships, []) AS au
      FROM read_json(${fileList}, format = 'newline_delimited', compression = 'auto_detect',
                     columns = ${columns}, filename = true, hive_partitioning = false,
                     ignore_errors = ${opts.ignoreErrors}, maximum_object_size = 67108864)
      WHERE id IS NOT NULL AND publication_year IS NOT NULL
    ), weighted AS (
      -- I(a): the institutions with an id, a ROR or a country; when there are
      -- none, the distinct affiliations[].institution_ids (2024+ records), as
      -- coopscope does.  Authorships without either stay in N(w).
      SELECT id, year, upd, filename, au,
             CASE WHEN len(au) = 0 THEN 0.0 ELSE
               coalesce(list_sum(list_transform(au, a -> list_transform(
                 [list_filter(coalesce(a.institutions, []), x -> has_key(x) OR cc(x.country_code) IS NOT NULL)],
                 l -> CASE
                   WHEN len(l) > 0 THEN len(list_filter(l, x -> in_s(x)))::DOUBLE / len(l)
                   WHEN len(coalesce(a.affiliations, [])) = 0 THEN 0.0
                   ELSE list_transform(
                     [list_distinct(list_filter(flatten(list_transform(a.affiliations,
                        f -> coalesce(f.institution_ids, []))), i -> coalesce(i, '') <> ''))],
                     ids -> CASE WHEN len(ids) = 0 THEN 0.0
                                 ELSE len(list_filter(ids, i -> i IN (${rootUrl}, ${rootShort})))::DOUBLE / len(ids)
                            END)[1]
                 END)[1])), 0.0) / len(au)
             END AS frac
      FROM src
    )
    SELECT id, year, upd, filename, frac,
           CASE WHEN frac > 0 THEN list_filter(list_distinct(flatten(list_transform(au, a ->
                  list_concat(list_transform(coalesce(a.countries, []), c -> cc(c)),
                              list_transform(coalesce(a.institutions, []), x -> cc(x.country_code)))))),
                  c -> c IS NOT NULL)
           END AS k,
           CASE WHEN frac > 0 THEN coalesce(list_bool_or(list_transform(au, a ->
                  list_bool_or(list_transform(coalesce(a.institutions, []),
                                              x -> x.type = 'company' AND has_key(x))))), false)
           END AS industry
    FROM weighted;`;
  const winners = `
    CREATE TEMP TABLE ranked AS
    SELECT year, frac, k, industry,
           row_number() OVER (PARTITION BY id ORDER BY upd DESC NULLS LAST, filename DESC) AS rn
    FROM facts;
    CREATE TEMP TABLE winners AS SELECT year, frac, k, industry FROM ranked WHERE rn = 1 AND frac > 0;`;
  const ingest = `SELECT count(*) AS read, count(*) FILTER (WHERE rn = 1) AS accepted FROM ranked`;
  const periods = `
    SELECT year,
           count(*) AS p, sum(frac) AS p_frac,
           count(*) FILTER (WHERE len(k) > 1) AS p_int_collab,
           coalesce(sum(frac) FILTER (WHERE len(k) > 1), 0) AS p_int_collab_frac,
           count(*) FILTER (WHERE len(list_filter(k, c -> c <> ${home})) > 0) AS p_foreign,
           coalesce(sum(frac) FILTER (WHERE len(list_filter(k, c -> c <> ${home})) > 0), 0) AS p_foreign_frac,
           count(*) FILTER (WHERE industry) AS p_industry,
           coalesce(sum(frac) FILTER (WHERE industry), 0) AS p_industry_frac,
           count(*) FILTER (WHERE len(k) = 0) AS p_no_country,
           coalesce(sum(frac) FILTER (WHERE len(k) = 0), 0) AS p_no_country_frac
    FROM winners GROUP BY ROLLUP (year) ORDER BY year NULLS FIRST`;
  const partners = `
    SELECT year, country, count(*) AS copubs, sum(frac) AS copubs_frac
    FROM (SELECT year, frac, unnest(k) AS country FROM winners)
    WHERE country <> ${home}
    GROUP BY GROUPING SETS ((year, country), (country))
    ORDER BY year NULLS FIRST, copubs DESC, country`;
  // The reading floor: the same read_json, columns materialised, nothing computed.
  const readOnly = `
    SELECT count(id) AS read, max(publication_year) AS last_year, max(updated_date) AS last_update,
           sum(len(authorships)) AS authorships
    FROM read_json(${fileList}, format = 'newline_delimited', compression = 'auto_detect',
                   columns = ${columns}, filename = true, hive_partitioning = false,
                   ignore_errors = ${opts.ignoreErrors}, maximum_object_size = 67108864)`;
  return { macro, facts, winners, ingest, periods, partners, readOnly };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const files = expandInputs(opts.inputs);
  const sql = buildSql(opts, files);
  const started = process.hrtime.bigint();
  const config = { threads: String(opts.threads), preserve_insertion_order: 'false' };
  if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', config);
  const conn = await instance.connect();
  await conn.run(`SET threads = ${opts.threads}`);
  // Seconds of each stage, to tell where DuckDB spends its time.
  const stages = {};
  let mark = process.hrtime.bigint();
  const lap = (name) => {
    const now = process.hrtime.bigint();
    stages[name] = Number(now - mark) / 1e9;
    mark = now;
  };
  lap('start');
  if (opts.readOnly) {
    const [r] = (await conn.runAndReadAll(sql.readOnly)).getRowObjectsJson();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(JSON.stringify({ tool: 'duckdb-read-only', duckdb_version: duckdbVersion(),
      threads: opts.threads, files: files.length, seconds, read: Number(r.read),
      authorships: Number(r.authorships), last_year: Number(r.last_year), last_update: r.last_update }, null, 1) + '\n');
    return;
  }
  await conn.run(sql.macro);
  await conn.run(sql.facts);
  lap('read_and_facts');
  await conn.run(sql.winners);
  lap('dedup');
  const rows = async (q) => (await conn.runAndReadAll(q)).getRowObjectsJson();
  const [ingestRow] = await rows(sql.ingest);
  const periodRows = await rows(sql.periods);
  const partnerRows = await rows(sql.partners);
  lap('aggregate');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const num = (v) => (v === null || v === undefined ? 0 : Number(v));
  const empty = () => ({
    p: 0, p_frac: 0, p_int_collab: 0, p_int_collab_frac: 0, p_foreign: 0, p_foreign_frac: 0,
    p_industry: 0, p_industry_frac: 0, p_no_country: 0, p_no_country_frac: 0, partners: [],
  });
  const total = empty();
  const byYear = new Map();
  for (const r of periodRows) {
    const period = r.year === null ? total : empty();
    for (const key of Object.keys(total)) if (key !== 'partners') period[key] = num(r[key]);
    if (r.year !== null) byYear.set(Number(r.year), period);
  }
  for (const r of partnerRows) {
    const period = r.year === null ? total : byYear.get(Number(r.year));
    period.partners.push({
      country: r.country,
      copubs: num(r.copubs),
      copubs_frac: num(r.copubs_frac),
      share: period.p ? num(r.copubs) / period.p : 0,
    });
  }
  const out = {
    tool: 'duckdb',
    duckdb_version: duckdbVersion(),
    org: opts.org,
    home: opts.home,
    threads: opts.threads,
    files: files.length,
    ingest: { read: num(ingestRow.read), accepted: num(ingestRow.accepted),
              duplicates: num(ingestRow.read) - num(ingestRow.accepted) },
    seconds,
    stages,
    total,
    by_year: [...byYear.entries()].sort((a, b) => a[0] - b[0]).map(([year, p]) => ({ year, ...p })),
  };
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
  conn.closeSync?.();
  instance.closeSync?.();
}

main().catch((err) => {
  process.stderr.write(`duckdb_indicators: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
