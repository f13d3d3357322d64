"""The registry's tables (SQLAlchemy Core). The schema itself is made by the Alembic migrations in
`migrations/versions/`; tests/integration/registry/test_schema.py checks that the two agree.

Only the current version of a document has rows in `clauses`, `responsibilities`, `deadlines`, `targets` and
`relations` (no foreign keys on these bulk tables: see the 0001 migration); every version keeps its full extraction in `document_versions.payload`, so history is never lost
and the current rows stay small enough for fast reads.
"""
from __future__ import annotations

from sqlalchemy import (
                        ARRAY,
                        BigInteger,
                        Boolean,
                        Column,
                        Date,
                        DateTime,
                        Double,
                        ForeignKey,
                        Index,
                        Integer,
                        MetaData,
                        SmallInteger,
                        Table,
                        Text,
                        func,
                        text,
)
from sqlalchemy.dialects.postgresql import JSON

metadata = MetaData()

now = func.now()

submissions = Table(
    "submissions", metadata,
    Column("doc_id", Text, primary_key=True),  # SHA-256 of the submitted file
    Column("filename", Text, nullable=False),
    Column("media_type", Text, nullable=False, server_default=""),
    Column("size", BigInteger, nullable=False),
    Column("state", Text, nullable=False),  # received / extracted / registered / failed
    Column("reason", Text),
    Column("doc_numbers", ARRAY(Text), nullable=False, server_default="{}"),
    Column("extractor_version", Text),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=now),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=now),
)

units = Table(
    "units", metadata,
    Column("id", Integer, primary_key=True),
    Column("canonical", Text, nullable=False, unique=True),
    Column("is_group", Boolean, nullable=False, server_default=text("false")),
)

unit_aliases = Table(
    "unit_aliases", metadata,
    Column("alias", Text, primary_key=True),  # normalised (see units.normalise_name)
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="CASCADE"), nullable=False),
)

unit_group_members = Table(
    "unit_group_members", metadata,
    Column("group_id", Integer, ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", Integer, ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)

documents = Table(
    "documents", metadata,
    Column("id", Text, primary_key=True),  # stable across versions: derived from the 文号
    Column("doc_number", Text, unique=True),
    Column("title", Text),
    Column("issuers", ARRAY(Text), nullable=False, server_default="{}"),
    Column("signed_date", Date),
    Column("effective_date", Date),
    Column("expiry_date", Date),
    Column("status", Text, nullable=False, server_default="in_force"),  # in_force / repealed / expired
    Column("status_changed_by", Text),  # 文号 of the document that repealed or expired this one
    Column("source_doc_id", Text, nullable=False),
    Column("source_file", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_hash", Text, nullable=False),
    Column("extractor_version", Text, nullable=False),
    Column("attachments", ARRAY(Text), nullable=False, server_default="{}"),
    Column("clause_count", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=now),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=now),
    Index("ix_documents_signed_date", "signed_date"),
    Index("ix_documents_issuers", "issuers", postgresql_using="gin"),
)

document_versions = Table(
    "document_versions", metadata,
    Column("document_id", Text, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content_hash", Text, nullable=False),
    Column("extractor_version", Text, nullable=False),
    Column("source_doc_id", Text, nullable=False),
    Column("source_file", Text, nullable=False),
    Column("payload", JSON, nullable=False),  # the contract object as received
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=now),
)

clauses = Table(
    "clauses", metadata,
    Column("document_id", Text, primary_key=True),
    Column("ord", Integer, primary_key=True),  # position in the document, from 0
    Column("path", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("officials", ARRAY(Text), nullable=False, server_default="{}"),
    Index("ix_clauses_path", "document_id", "path", postgresql_ops={"path": "text_pattern_ops"}),
    Index("ix_clauses_text_trgm", "text", postgresql_using="gin", postgresql_ops={"text": "gin_trgm_ops"}),
)

responsibilities = Table(
    "responsibilities", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("document_id", Text, nullable=False),
    Column("clause_ord", Integer, nullable=False),
    Column("unit_name", Text, nullable=False),  # as printed
    Column("canonical_unit", Text),  # from the unit directory, None when unknown
    Column("unit_key", Text, nullable=False),  # what queries match: canonical, group name or normalised name
    Column("role", SmallInteger, nullable=False),  # 1 lead, 2 support, 3 responsible (the proto's Role)
    Column("status", Text, nullable=False, server_default="active"),  # active / cancelled
    Column("due_date", Date),  # earliest dated deadline of the clause
    Index("ix_responsibilities_unit_key", "unit_key", "id"),
    Index("ix_responsibilities_document", "document_id", "clause_ord"),
)

deadlines = Table(
    "deadlines", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("document_id", Text, nullable=False),
    Column("clause_ord", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("date", Date),  # None for recurring deadlines
    Column("kind", Text, nullable=False),  # due / milestone / period / effective / expiry / recurring
    Column("status", Text, nullable=False, server_default="open"),  # open / cancelled
    Index("ix_deadlines_document", "document_id", "clause_ord"),
    Index("ix_deadlines_date", "date"),
)

targets = Table(
    "targets", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("document_id", Text, nullable=False),
    Column("clause_ord", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("value", Double, nullable=False),
    Column("unit", Text, nullable=False),
    Column("op", Text, nullable=False),
    Index("ix_targets_document", "document_id", "clause_ord"),
)

relations = Table(
    "relations", metadata,
    Column("document_id", Text, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("type", Text, primary_key=True),  # repeals / expires / amends
    Column("target_doc_number", Text, primary_key=True),
    Column("effective_date", Date),
    Index("ix_relations_target", "target_doc_number"),
)

outbox = Table(
    "outbox", metadata,
    Column("seq", BigInteger, primary_key=True),  # WatchEvents cursor
    Column("id", Text, nullable=False, unique=True),  # event id = Nats-Msg-Id
    Column("subject", Text, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("traceparent", Text),  # W3C trace context of the write, sent on as a message header
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=now),
)

# The relay's cursor (one row): every outbox event with seq <= published_seq is published (migration 0004).
outbox_relay = Table(
    "outbox_relay", metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("published_seq", BigInteger, nullable=False),
)
