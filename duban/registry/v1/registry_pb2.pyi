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
DOCUMENT_STATUS_UNSPECIFIED: DocumentStatus
DOCUMENT_STATUS_IN_FORCE: DocumentStatus
DOCUMENT_STATUS_REPEALED: DocumentStatus
DOCUMENT_STATUS_EXPIRED: DocumentStatus
ROLE_UNSPECIFIED: Role
ROLE_LEAD: Role
ROLE_SUPPORT: Role
ROLE_RESPONSIBLE: Role

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
    __slots__ = ("id", "doc_number", "title", "issuers", "signed_date", "effective_date", "expiry_date", "status", "source_doc_id", "source_file", "version", "clause_count", "attachments", "relations")
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
    def __init__(self, id: _Optional[str] = ..., doc_number: _Optional[str] = ..., title: _Optional[str] = ..., issuers: _Optional[_Iterable[str]] = ..., signed_date: _Optional[str] = ..., effective_date: _Optional[str] = ..., expiry_date: _Optional[str] = ..., status: _Optional[_Union[DocumentStatus, str]] = ..., source_doc_id: _Optional[str] = ..., source_file: _Optional[str] = ..., version: _Optional[int] = ..., clause_count: _Optional[int] = ..., attachments: _Optional[_Iterable[str]] = ..., relations: _Optional[_Iterable[_Union[Relation, _Mapping]]] = ...) -> None: ...

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
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDocumentsResponse(_message.Message):
    __slots__ = ("documents", "next_page_token")
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    documents: _containers.RepeatedCompositeFieldContainer[Document]
    next_page_token: str
    def __init__(self, documents: _Optional[_Iterable[_Union[Document, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Responsibility(_message.Message):
    __slots__ = ("doc_number", "document_id", "clause_path", "unit", "canonical_unit", "role", "text", "officials", "due_date")
    DOC_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLAUSE_PATH_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    CANONICAL_UNIT_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    OFFICIALS_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    doc_number: str
    document_id: str
    clause_path: str
    unit: str
    canonical_unit: str
    role: Role
    text: str
    officials: _containers.RepeatedScalarFieldContainer[str]
    due_date: str
    def __init__(self, doc_number: _Optional[str] = ..., document_id: _Optional[str] = ..., clause_path: _Optional[str] = ..., unit: _Optional[str] = ..., canonical_unit: _Optional[str] = ..., role: _Optional[_Union[Role, str]] = ..., text: _Optional[str] = ..., officials: _Optional[_Iterable[str]] = ..., due_date: _Optional[str] = ...) -> None: ...

class ListResponsibilitiesRequest(_message.Message):
    __slots__ = ("unit", "page_size", "page_token")
    UNIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    unit: str
    page_size: int
    page_token: str
    def __init__(self, unit: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListResponsibilitiesResponse(_message.Message):
    __slots__ = ("responsibilities", "next_page_token")
    RESPONSIBILITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    responsibilities: _containers.RepeatedCompositeFieldContainer[Responsibility]
    next_page_token: str
    def __init__(self, responsibilities: _Optional[_Iterable[_Union[Responsibility, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
