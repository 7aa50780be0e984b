-- The data pipeline's own database (TRINITY_PIPELINE_DB). Every statement may run again at each start.

-- Camel's JdbcAggregationRepository "experience_batches": the open batch, and closed batches until their file is written.
CREATE TABLE IF NOT EXISTS experience_batches (
    id       VARCHAR(255) NOT NULL PRIMARY KEY,
    exchange BLOB NOT NULL,
    version  BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS experience_batches_completed (
    id       VARCHAR(255) NOT NULL PRIMARY KEY,
    exchange BLOB NOT NULL,
    version  BIGINT NOT NULL
);

-- Which batch took which experience: an experience id is written into one batch only, whatever is redelivered or
-- recovered. Remembered for a while (PipelineLedger.REMEMBERED_FOR), long past any redelivery.
CREATE TABLE IF NOT EXISTS taken_experiences (
    id       TEXT PRIMARY KEY,
    batch_id TEXT NOT NULL,
    taken_at INTEGER NOT NULL          -- epoch milliseconds
);
CREATE INDEX IF NOT EXISTS taken_experiences_by_batch ON taken_experiences (batch_id);
CREATE INDEX IF NOT EXISTS taken_experiences_by_time ON taken_experiences (taken_at);

-- Batches written to the drop-box (staging/pipeline/pending/<id>.jsonl), then claimed by the job that trains them.
CREATE TABLE IF NOT EXISTS batches (
    id          TEXT PRIMARY KEY,
    experiences INTEGER NOT NULL,      -- 0: every experience of the batch had been taken by an earlier one (no file)
    written_at  TEXT NOT NULL,
    job_id      TEXT,                  -- the job claiming the batch
    claimed_at  TEXT,
    submitted   INTEGER NOT NULL DEFAULT 0   -- 1 once that job exists
);
CREATE INDEX IF NOT EXISTS batches_by_job ON batches (job_id);
