-- Training jobs, their history and the models they produced (DESIGN §6). Applied once, in one transaction.

CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'starting', 'running', 'completed', 'failed', 'cancelled')),
    model_type    TEXT NOT NULL,
    epochs        INTEGER NOT NULL,
    config        TEXT NOT NULL DEFAULT '{}',
    source        TEXT NOT NULL,              -- experiences | dataset_path | staging
    dataset_path  TEXT NOT NULL,              -- where the coordinator put the dataset (TRAINING_DROPBOX_DIR/jobs/...)
    dataset_name  TEXT,                       -- the file name the user gave, if any
    experiences   INTEGER NOT NULL,
    dataset_bytes INTEGER NOT NULL,
    attempt       INTEGER NOT NULL DEFAULT 1,
    run_id        TEXT,                       -- the reactor's run of the current attempt
    reactor       TEXT,
    progress      REAL NOT NULL DEFAULT 0,
    epoch         INTEGER,
    loss          REAL,
    metrics       TEXT,
    detail        TEXT,                       -- why the last transition happened
    error         TEXT,
    model_id      TEXT,
    model_version INTEGER,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    started_at    TEXT,
    finished_at   TEXT
);
CREATE INDEX jobs_by_status ON jobs (status);

-- The state machine: a status change not listed here is refused by the database itself.
CREATE TABLE job_transitions_allowed (
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO job_transitions_allowed VALUES
    ('queued', 'starting'), ('queued', 'cancelled'), ('queued', 'failed'),
    ('starting', 'running'), ('starting', 'failed'), ('starting', 'cancelled'), ('starting', 'queued'),
    ('running', 'completed'), ('running', 'failed'), ('running', 'cancelled'), ('running', 'queued'),
    ('failed', 'queued');

-- Every transition and progress report, in order; the id is the SSE event id. data: the job's figures then (JSON).
CREATE TABLE job_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id      TEXT NOT NULL REFERENCES jobs (id),
    kind        TEXT NOT NULL CHECK (kind IN ('transition', 'progress')),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    at          TEXT NOT NULL,
    detail      TEXT,
    data        TEXT
);
CREATE INDEX job_events_by_job ON job_events (job_id, id);

CREATE VIEW transitions AS
    SELECT id, job_id, from_status, to_status, at, detail, attempt FROM job_events WHERE kind = 'transition';

CREATE TRIGGER jobs_refuse_illegal_transition BEFORE UPDATE OF status ON jobs
    WHEN NEW.status <> OLD.status AND NOT EXISTS (
        SELECT 1 FROM job_transitions_allowed WHERE from_status = OLD.status AND to_status = NEW.status)
BEGIN
    SELECT RAISE(ABORT, 'illegal transition');
END;

CREATE TRIGGER jobs_record_creation AFTER INSERT ON jobs
BEGIN
    INSERT INTO job_events (job_id, kind, from_status, to_status, attempt, at, detail, data)
    VALUES (NEW.id, 'transition', NULL, NEW.status, NEW.attempt, NEW.created_at, NEW.detail,
            json_object('progress', NEW.progress, 'epoch', NEW.epoch, 'loss', NEW.loss, 'error', NEW.error,
                'model_id', NEW.model_id, 'model_version', NEW.model_version, 'metrics', json(NEW.metrics)));
END;

CREATE TRIGGER jobs_record_transition AFTER UPDATE OF status ON jobs
    WHEN NEW.status <> OLD.status
BEGIN
    INSERT INTO job_events (job_id, kind, from_status, to_status, attempt, at, detail, data)
    VALUES (NEW.id, 'transition', OLD.status, NEW.status, NEW.attempt, NEW.updated_at, NEW.detail,
            json_object('progress', NEW.progress, 'epoch', NEW.epoch, 'loss', NEW.loss, 'error', NEW.error,
                'model_id', NEW.model_id, 'model_version', NEW.model_version, 'metrics', json(NEW.metrics)));
END;

CREATE TABLE models (
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    model_type  TEXT NOT NULL,
    path        TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    metrics     TEXT,
    job_id      TEXT REFERENCES jobs (id),
    created_at  TEXT NOT NULL,
    deployed_at TEXT,
    PRIMARY KEY (id, version)
);
