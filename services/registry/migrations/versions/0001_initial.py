"""Initial registry schema: submissions, units, documents and their versions, clauses, responsibilities,
deadlines, targets, relations and the outbox.

Chinese full-text search uses pg_trgm (a GIN trigram index on clause text): it ships with PostgreSQL (contrib),
needs no word segmentation, and serves `LIKE '%…%'` and similarity for any string of three characters or more.
Segmenting extensions (zhparser, pg_jieba) would rank better but are not in stock PostgreSQL or managed clouds.
Trigrams of CJK characters need a UTF-8 locale whose character classes know them (C.UTF-8, zh_CN.UTF-8, …).

The bulk row tables (clauses, responsibilities, deadlines, targets) carry no foreign keys: a per-row RI trigger
would dominate COPY time, and only services/registry/store.py writes them, replacing a document's rows in the
same transaction that writes the document (rows are keyed by document_id + clause ord).

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE submissions (
    doc_id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL DEFAULT '',
    size BIGINT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    doc_numbers TEXT[] NOT NULL DEFAULT '{}',
    extractor_version TEXT,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE units (
    id SERIAL PRIMARY KEY,
    canonical TEXT NOT NULL UNIQUE,
    is_group BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE unit_aliases (
    alias TEXT PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE
);
CREATE TABLE unit_group_members (
    group_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, member_id)
);

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    doc_number TEXT UNIQUE,
    title TEXT,
    issuers TEXT[] NOT NULL DEFAULT '{}',
    signed_date DATE,
    effective_date DATE,
    expiry_date DATE,
    status TEXT NOT NULL DEFAULT 'in_force',
    status_changed_by TEXT,
    source_doc_id TEXT NOT NULL,
    source_file TEXT NOT NULL,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    attachments TEXT[] NOT NULL DEFAULT '{}',
    clause_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ix_documents_signed_date ON documents (signed_date);
CREATE INDEX ix_documents_issuers ON documents USING gin (issuers);

CREATE TABLE document_versions (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    source_doc_id TEXT NOT NULL,
    source_file TEXT NOT NULL,
    payload JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, version)
);

CREATE TABLE clauses (
    document_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    path TEXT NOT NULL,
    text TEXT NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    officials TEXT[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (document_id, ord)
);
CREATE INDEX ix_clauses_path ON clauses (document_id, path text_pattern_ops);
CREATE INDEX ix_clauses_text_trgm ON clauses USING gin (text gin_trgm_ops);

CREATE TABLE responsibilities (
    id BIGSERIAL PRIMARY KEY,
    document_id TEXT NOT NULL,
    clause_ord INTEGER NOT NULL,
    unit_name TEXT NOT NULL,
    canonical_unit TEXT,
    unit_key TEXT NOT NULL,
    role SMALLINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    due_date DATE
);
CREATE INDEX ix_responsibilities_unit_key ON responsibilities (unit_key, id);
CREATE INDEX ix_responsibilities_document ON responsibilities (document_id, clause_ord);

CREATE TABLE deadlines (
    id BIGSERIAL PRIMARY KEY,
    document_id TEXT NOT NULL,
    clause_ord INTEGER NOT NULL,
    text TEXT NOT NULL,
    date DATE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open'
);
CREATE INDEX ix_deadlines_document ON deadlines (document_id, clause_ord);
CREATE INDEX ix_deadlines_date ON deadlines (date);

CREATE TABLE targets (
    id BIGSERIAL PRIMARY KEY,
    document_id TEXT NOT NULL,
    clause_ord INTEGER NOT NULL,
    text TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    unit TEXT NOT NULL,
    op TEXT NOT NULL
);
CREATE INDEX ix_targets_document ON targets (document_id, clause_ord);

CREATE TABLE relations (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    target_doc_number TEXT NOT NULL,
    effective_date DATE,
    PRIMARY KEY (document_id, type, target_doc_number)
);
CREATE INDEX ix_relations_target ON relations (target_doc_number);

CREATE TABLE outbox (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    payload JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ
);
CREATE INDEX ix_outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;
"""

_TABLES = ("outbox", "relations", "targets", "deadlines", "responsibilities", "clauses", "document_versions",
           "documents", "unit_group_members", "unit_aliases", "units", "submissions")


def upgrade() -> None:
    for statement in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
        op.execute(statement)


def downgrade() -> None:
    for table in _TABLES:
        op.execute(f"DROP TABLE {table}")
