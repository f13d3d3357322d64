from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DocumentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DOCUMENT_STATUS_UNSPECIFIED: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_IN_FORCE: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_REPEALED: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_EXPIRED: _ClassVar[DocumentStatus]

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROLE_UNSPECIFIED: _ClassVar[Role]
    ROLE_LEAD: _ClassVar[Role]
    ROLE_SUPPORT: _ClassVar[Role]
    ROLE_RESPONSIBLE: _ClassVar[Role]

class ResponsibilityStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESPONSIBILITY_STATUS_UNSPECIFIED: _ClassVar[ResponsibilityStatus]
    RESPONSIBILITY_STATUS_ACTIVE: _ClassVar[ResponsibilityStatus]
    RESPONSIBILITY_STATUS_CANCELLED: _ClassVar[ResponsibilityStatus]

class DeadlineKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEADLINE_KIND_UNSPECIFIED: _ClassVar[DeadlineKind]
    DEADLINE_KIND_DUE: _ClassVar[DeadlineKind]
    DEADLINE_KIND_MILESTONE: _ClassVar[DeadlineKind]
    DEADLINE_KIND_PERIOD: _ClassVar[DeadlineKind]
    DEADLINE_KIND_EFFECTIVE: _ClassVar[DeadlineKind]
    DEADLINE_KIND_EXPIRY: _ClassVar[DeadlineKind]
    DEADLINE_KIND_RECURRING: _ClassVar[DeadlineKind]

class DeadlineStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEADLINE_STATUS_UNSPECIFIED: _ClassVar[DeadlineStatus]
    DEADLINE_STATUS_OPEN: _ClassVar[DeadlineStatus]
    DEADLINE_STATUS_CANCELLED: _ClassVar[DeadlineStatus]
DOCUMENT_STATUS_UNSPECIFIED: DocumentStatus
DOCUMENT_STATUS_IN_FORCE: DocumentStatus
DOCUMENT_STATUS_REPEALED: DocumentStatus
DOCUMENT_STATUS_EXPIRED: DocumentStatus
ROLE_UNSPECIFIED: Role
ROLE_LEAD: Role
ROLE_SUPPORT: Role
ROLE_RESPONSIBLE: Role
RESPONSIBILITY_STATUS_UNSPECIFIED: ResponsibilityStatus
RESPONSIBILITY_STATUS_ACTIVE: ResponsibilityStatus
RESPONSIBILITY_STATUS_CANCELLED: ResponsibilityStatus
DEADLINE_KIND_UNSPECIFIED: DeadlineKind
DEADLINE_KIND_DUE: DeadlineKind
DEADLINE_KIND_MILESTONE: DeadlineKind
DEADLINE_KIND_PERIOD: DeadlineKind
DEADLINE_KIND_EFFECTIVE: DeadlineKind
DEADLINE_KIND_EXPIRY: DeadlineKind
DEADLINE_KIND_RECURRING: DeadlineKind
DEADLINE_STATUS_UNSPECIFIED: DeadlineStatus
DEADLINE_STATUS_OPEN: DeadlineStatus
DEADLINE_STATUS_CANCELLED: DeadlineStatus

class Relation(_message.Message):
    __slots__ = ("type", "doc_number", "effective_date")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DOC_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    type: str
    doc_number: str
    effective_date: str
    def __init__(self, type: _Optional[str] = ..., doc_number: _Optional[str] = ..., effective_date: _Optional[str] = ...) -> None: ...

class Document(_message.Message):
    __slots__ = ("id", "doc_number", "title", "issuers", "signed_date", "effective_date", "expiry_date", "status", "source_doc_id", "source_file", "version", "clause_count", "attachments", "relations", "extractor_version", "status_changed_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    DOC_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ISSUERS_FIELD_NUMBER: _ClassVar[int]
    SIGNED_DATE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_DOC_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FILE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CLAUSE_COUNT_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    RELATIONS_FIELD_NUMBER: _ClassVar[int]
    EXTRACTOR_VERSION_FIELD_NUMBER: _ClassVar[int]
    STATUS_CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    doc_number: str
    title: str
    issuers: _containers.RepeatedScalarFieldContainer[str]
    signed_date: str
    effective_date: str
    expiry_date: str
    status: DocumentStatus
    source_doc_id: str
    source_file: str
    version: int
    clause_count: int
    attachments: _containers.RepeatedScalarFieldContainer[str]
    relations: _containers.RepeatedCompositeFieldContainer[Relation]
    extractor_version: str
    status_changed_by: str
    def __init__(self, id: _Optional[str] = ..., doc_number: _Optional[str] = ..., title: _Optional[str] = ..., issuers: _Optional[_Iterable[str]] = ..., signed_date: _Optional[str] = ..., effective_date: _Optional[str] = ..., expiry_date: _Optional[str] = ..., status: _Optional[_Union[DocumentStatus, str]] = ..., source_doc_id: _Optional[str] = ..., source_file: _Optional[str] = ..., version: _Optional[int] = ..., clause_count: _Optional[int] = ..., attachments: _Optional[_Iterable[str]] = ..., relations: _Optional[_Iterable[_Union[Relation, _Mapping]]] = ..., extractor_version: _Optional[str] = ..., status_changed_by: _Optional[str] = ...) -> None: ...

class GetDocumentRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetDocumentResponse(_message.Message):
    __slots__ = ("document",)
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    document: Document
    def __init__(self, document: _Optional[_Union[Document, _Mapping]] = ...) -> None: ...

class ListDocumentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "issuer", "signed_from", "signed_to", "status")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ISSUER_FIELD_NUMBER: _ClassVar[int]
    SIGNED_FROM_FIELD_NUMBER: _ClassVar[int]
    SIGNED_TO_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    issuer: str
    signed_from: str
    signed_to: str
    status: DocumentStatus
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., issuer: _Optional[str] = ..., signed_from: _Optional[str] = ..., signed_to: _Optional[str] = ..., status: _Optional[_Union[DocumentStatus, str]] = ...) -> None: ...

class ListDocumentsResponse(_message.Message):
    __slots__ = ("documents", "next_page_token")
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    documents: _containers.RepeatedCompositeFieldContainer[Document]
    next_page_token: str
    def __init__(self, documents: _Optional[_Iterable[_Union[Document, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ClauseUnit(_message.Message):
    __slots__ = ("name", "canonical", "role")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CANONICAL_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    canonical: str
    role: Role
    def __init__(self, name: _Optional[str] = ..., canonical: _Optional[str] = ..., role: _Optional[_Union[Role, str]] = ...) -> None: ...

class Target(_message.Message):
    __slots__ = ("text", "value", "unit", "op")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    OP_FIELD_NUMBER: _ClassVar[int]
    text: str
    value: float
    unit: str
    op: str
    def __init__(self, text: _Optional[str] = ..., value: _Optional[float] = ..., unit: _Optional[str] = ..., op: _Optional[str] = ...) -> None: ...

class Deadline(_message.Message):
    __slots__ = ("id", "document_id", "doc_number", "clause_path", "text", "date", "kind", "status", "units", "clause_text")
    ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DOC_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CLAUSE_PATH_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    CLAUSE_TEXT_FIELD_NUMBER: _ClassVar[int]
    id: int
    document_id: str
    doc_number: str
    clause_path: str
    text: str
    date: str
    kind: DeadlineKind
    status: DeadlineStatus
    units: _containers.RepeatedScalarFieldContainer[str]
    clause_text: str
    def __init__(self, id: _Optional[int] = ..., document_id: _Optional[str] = ..., doc_number: _Optional[str] = ..., clause_path: _Optional[str] = ..., text: _Optional[str] = ..., date: _Optional[str] = ..., kind: _Optional[_Union[DeadlineKind, str]] = ..., status: _Optional[_Union[DeadlineStatus, str]] = ..., units: _Optional[_Iterable[str]] = ..., clause_text: _Optional[str] = ...) -> None: ...

class Clause(_message.Message):
    __slots__ = ("document_id", "doc_number", "path", "text", "span_start", "span_end", "officials", "units", "deadlines", "targets")
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DOC_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SPAN_START_FIELD_NUMBER: _ClassVar[int]
    SPAN_END_FIELD_NUMBER: _ClassVar[int]
    OFFICIALS_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    DEADLINES_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    document_id: str
    doc_number: str
    path: str
    text: str
    span_start: int
    span_end: int
    officials: _containers.RepeatedScalarFieldContainer[str]
    units: _containers.RepeatedCompositeFieldContainer[ClauseUnit]
    deadlines: _containers.RepeatedCompositeFieldContainer[Deadline]
    targets: _containers.RepeatedCompositeFieldContainer[Target]
    def __init__(self, document_id: _Optional[str] = ..., doc_number: _Optional[str] = ..., path: _Optional[str] = ..., text: _Optional[str] = ..., span_start: _Optional[int] = ..., span_end: _Optional[int] = ..., officials: _Optional[_Iterable[str]] = ..., units: _Optional[_Iterable[_Union[ClauseUnit, _Mapping]]] = ..., deadlines: _Optional[_Iterable[_Union[Deadline, _Mapping]]] = ..., targets: _Optional[_Iterable[_Union[Target, _Mapping]]] = ...) -> None: ...

class ListClausesRequest(_message.Message):
    __slots__ = ("document", "path_prefix", "page_size", "page_token")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    PATH_PREFIX_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    document: str
    path_prefix: str
    page_size: int
    page_token: str
    def __init__(self, document: _Optional[str] = ..., path_prefix: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListClausesResponse(_message.Message):
    __slots__ = ("clauses", "next_page_token")
    CLAUSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    clauses: _containers.RepeatedCompositeFieldContainer[Clause]
    next_page_token: str
    def __init__(self, clauses: _Optional[_Iterable[_Union[Clause, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Responsibility(_message.Message):
    __slots__ = ("doc_number", "document_id", "clause_path", "unit", "canonical_unit", "role", "text", "officials", "due_date", "status", "id", "unit_key")
    DOC_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLAUSE_PATH_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    CANONICAL_UNIT_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    OFFICIALS_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_KEY_FIELD_NUMBER: _ClassVar[int]
    doc_number: str
    document_id: str
    clause_path: str
    unit: str
    canonical_unit: str
    role: Role
    text: str
    officials: _containers.RepeatedScalarFieldContainer[str]
    due_date: str
    status: ResponsibilityStatus
    id: int
    unit_key: str
    def __init__(self, doc_number: _Optional[str] = ..., document_id: _Optional[str] = ..., clause_path: _Optional[str] = ..., unit: _Optional[str] = ..., canonical_unit: _Optional[str] = ..., role: _Optional[_Union[Role, str]] = ..., text: _Optional[str] = ..., officials: _Optional[_Iterable[str]] = ..., due_date: _Optional[str] = ..., status: _Optional[_Union[ResponsibilityStatus, str]] = ..., id: _Optional[int] = ..., unit_key: _Optional[str] = ...) -> None: ...

class ListResponsibilitiesRequest(_message.Message):
    __slots__ = ("unit", "page_size", "page_token", "role", "document", "status", "due_from", "due_to")
    UNIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DUE_FROM_FIELD_NUMBER: _ClassVar[int]
    DUE_TO_FIELD_NUMBER: _ClassVar[int]
    unit: str
    page_size: int
    page_token: str
    role: Role
    document: str
    status: ResponsibilityStatus
    due_from: str
    due_to: str
    def __init__(self, unit: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., role: _Optional[_Union[Role, str]] = ..., document: _Optional[str] = ..., status: _Optional[_Union[ResponsibilityStatus, str]] = ..., due_from: _Optional[str] = ..., due_to: _Optional[str] = ...) -> None: ...

class ListResponsibilitiesResponse(_message.Message):
    __slots__ = ("responsibilities", "next_page_token")
    RESPONSIBILITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    responsibilities: _containers.RepeatedCompositeFieldContainer[Responsibility]
    next_page_token: str
    def __init__(self, responsibilities: _Optional[_Iterable[_Union[Responsibility, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListDeadlinesRequest(_message.Message):
    __slots__ = ("unit", "from_date", "to_date", "overdue", "kind", "status", "page_size", "page_token")
    UNIT_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    unit: str
    from_date: str
    to_date: str
    overdue: bool
    kind: DeadlineKind
    status: DeadlineStatus
    page_size: int
    page_token: str
    def __init__(self, unit: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., overdue: _Optional[bool] = ..., kind: _Optional[_Union[DeadlineKind, str]] = ..., status: _Optional[_Union[DeadlineStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDeadlinesResponse(_message.Message):
    __slots__ = ("deadlines", "next_page_token")
    DEADLINES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    deadlines: _containers.RepeatedCompositeFieldContainer[Deadline]
    next_page_token: str
    def __init__(self, deadlines: _Optional[_Iterable[_Union[Deadline, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SearchClausesRequest(_message.Message):
    __slots__ = ("query", "document", "page_size", "page_token")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    query: str
    document: str
    page_size: int
    page_token: str
    def __init__(self, query: _Optional[str] = ..., document: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class SearchClausesResponse(_message.Message):
    __slots__ = ("clauses", "next_page_token")
    CLAUSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    clauses: _containers.RepeatedCompositeFieldContainer[Clause]
    next_page_token: str
    def __init__(self, clauses: _Optional[_Iterable[_Union[Clause, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Unit(_message.Message):
    __slots__ = ("canonical", "is_group", "aliases", "members")
    CANONICAL_FIELD_NUMBER: _ClassVar[int]
    IS_GROUP_FIELD_NUMBER: _ClassVar[int]
    ALIASES_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    canonical: str
    is_group: bool
    aliases: _containers.RepeatedScalarFieldContainer[str]
    members: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, canonical: _Optional[str] = ..., is_group: _Optional[bool] = ..., aliases: _Optional[_Iterable[str]] = ..., members: _Optional[_Iterable[str]] = ...) -> None: ...

class ListUnitsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListUnitsResponse(_message.Message):
    __slots__ = ("units", "next_page_token")
    UNITS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    units: _containers.RepeatedCompositeFieldContainer[Unit]
    next_page_token: str
    def __init__(self, units: _Optional[_Iterable[_Union[Unit, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ResolveUnitRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ResolveUnitResponse(_message.Message):
    __slots__ = ("unit", "query_keys")
    UNIT_FIELD_NUMBER: _ClassVar[int]
    QUERY_KEYS_FIELD_NUMBER: _ClassVar[int]
    unit: Unit
    query_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, unit: _Optional[_Union[Unit, _Mapping]] = ..., query_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class GetUnitSummaryRequest(_message.Message):
    __slots__ = ("unit",)
    UNIT_FIELD_NUMBER: _ClassVar[int]
    unit: str
    def __init__(self, unit: _Optional[str] = ...) -> None: ...

class GetUnitSummaryResponse(_message.Message):
    __slots__ = ("unit", "tasks", "due_within_30_days", "overdue", "documents")
    UNIT_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    DUE_WITHIN_30_DAYS_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    unit: str
    tasks: int
    due_within_30_days: int
    overdue: int
    documents: int
    def __init__(self, unit: _Optional[str] = ..., tasks: _Optional[int] = ..., due_within_30_days: _Optional[int] = ..., overdue: _Optional[int] = ..., documents: _Optional[int] = ...) -> None: ...

class WatchEventsRequest(_message.Message):
    __slots__ = ("cursor", "subject_prefix")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_PREFIX_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    subject_prefix: str
    def __init__(self, cursor: _Optional[str] = ..., subject_prefix: _Optional[str] = ...) -> None: ...

class WatchEventsResponse(_message.Message):
    __slots__ = ("cursor", "id", "subject", "payload_json", "time")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    id: str
    subject: str
    payload_json: str
    time: str
    def __init__(self, cursor: _Optional[str] = ..., id: _Optional[str] = ..., subject: _Optional[str] = ..., payload_json: _Optional[str] = ..., time: _Optional[str] = ...) -> None: ...
