-- The model registry (issue 7): capabilities, deployment history, and the feedback J-Prime and users send per version.

-- What a model can do, as a JSON array of names (["generate"]); [] when its trainer said nothing.
ALTER TABLE models ADD COLUMN capabilities TEXT NOT NULL DEFAULT '[]';

-- Every deploy and rollback, in order (the id). The deployed version of a model id is its latest row; the model
-- "deployed last" (the one J-Prime serves) is the latest row of all. rollback_to is the row a rollback from this
-- row returns to (the row that was current before this one was made), so rollbacks walk back the way deploys came.
CREATE TABLE deployments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id     TEXT NOT NULL,
    version      INTEGER NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('deploy', 'rollback')),
    from_version INTEGER,
    rollback_to  INTEGER REFERENCES deployments (id),
    at           TEXT NOT NULL,
    FOREIGN KEY (model_id, version) REFERENCES models (id, version)
);
CREATE INDEX deployments_by_model ON deployments (model_id, id);

-- Deployments made before this table existed, in the order of their deployed_at.
INSERT INTO deployments (model_id, version, action, at)
    SELECT id, version, 'deploy', deployed_at FROM models WHERE deployed_at IS NOT NULL
    ORDER BY julianday(deployed_at), rowid;
UPDATE deployments SET rollback_to = (
    SELECT MAX(earlier.id) FROM deployments earlier
    WHERE earlier.model_id = deployments.model_id AND earlier.id < deployments.id);

-- J-Prime's periodic usage reports: one row per report (an interval with traffic) of one model version.
-- feedback_id makes a redelivered report count once.
CREATE TABLE model_usage (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    feedback_id   TEXT NOT NULL UNIQUE,
    model_id      TEXT NOT NULL,
    version       INTEGER NOT NULL,
    reporter      TEXT,
    period_start  TEXT,
    period_end    TEXT,
    requests      INTEGER NOT NULL CHECK (requests >= 0),
    errors        INTEGER NOT NULL CHECK (errors >= 0),
    latency_p50   REAL,
    latency_p95   REAL,
    latency_p99   REAL,
    latency_max   REAL,
    samples       INTEGER,
    received_at   TEXT NOT NULL,
    FOREIGN KEY (model_id, version) REFERENCES models (id, version)
);
CREATE INDEX model_usage_by_version ON model_usage (model_id, version, id);

-- Users' ratings (1 to 5) of a model version.
CREATE TABLE model_ratings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    feedback_id  TEXT NOT NULL UNIQUE,
    model_id     TEXT NOT NULL,
    version      INTEGER NOT NULL,
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment      TEXT,
    prompt       TEXT,
    rated_at     TEXT,
    received_at  TEXT NOT NULL,
    FOREIGN KEY (model_id, version) REFERENCES models (id, version)
);
CREATE INDEX model_ratings_by_version ON model_ratings (model_id, version);
