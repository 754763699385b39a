-- The floor of the result import on PostgreSQL: only storing 100,000 report rows and
-- 100,000 results (no parsing, matching, duplicate checks or outbox), in a transaction
-- that is rolled back. Run on a database arranged by `python -m bench.bench_import --keep`:
--   psql -h 127.0.0.1 -U postgres -d <that database> -f bench/import_floor.sql
-- docs/benchmarks.md ("Result import") gives the figures.
\timing on
BEGIN;
INSERT INTO events (title, kind, level, season_code, starts_on, ends_on, is_online, organizer_id, status, participation, created_at, updated_at) SELECT 'floor', kind, level, season_code, starts_on, ends_on, is_online, organizer_id, status, participation, created_at, updated_at FROM events LIMIT 1;
INSERT INTO import_batches (event_id, uploaded_by_account_id, filename, format, sha256, status, total_rows, applied_rows, unmatched_rows, invalid_rows, created_at) SELECT currval('events_id_seq'), id, 'f', 'CSV', 'x', 'PROCESSING', 0,0,0,0, now() FROM accounts LIMIT 1;
CREATE TEMP TABLE src AS SELECT g AS n, md5(g::text)||md5(g::text) AS h, md5((g+1)::text)||md5(g::text) AS k, jsonb_build_object('ID участника', g::text, 'Email', '', 'Фамилия', '', 'Имя', '', 'Дата рождения','', 'Статус','участник','Баллы','50','Макс. балл','100','Место','')::text AS raw, g AS pid FROM generate_series(1,100000) g;
ANALYZE src;
-- report rows: plain insert, no lookups
INSERT INTO import_rows (batch_id, row_number, row_hash, row_key, state, raw, participant_id, created_at) SELECT currval('import_batches_id_seq'), n, h, k, 'APPLIED', raw::jsonb, pid, now() FROM src;
-- results
INSERT INTO results (event_id, participant_id, status, source, score, max_score, import_row_id, created_at, updated_at) SELECT currval('events_id_seq'), r.participant_id, 'PARTICIPANT', 'IMPORT', 50, 100, r.id, now(), now() FROM import_rows r WHERE r.batch_id = currval('import_batches_id_seq') ON CONFLICT (event_id, participant_id) DO NOTHING;
ROLLBACK;
