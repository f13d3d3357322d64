from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IngestState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INGEST_STATE_UNSPECIFIED: _ClassVar[IngestState]
    INGEST_STATE_RECEIVED: _ClassVar[IngestState]
    INGEST_STATE_EXTRACTED: _ClassVar[IngestState]
    INGEST_STATE_REGISTERED: _ClassVar[IngestState]
    INGEST_STATE_FAILED: _ClassVar[IngestState]
INGEST_STATE_UNSPECIFIED: IngestState
INGEST_STATE_RECEIVED: IngestState
INGEST_STATE_EXTRACTED: IngestState
INGEST_STATE_REGISTERED: IngestState
INGEST_STATE_FAILED: IngestState

class SubmitDocumentRequest(_message.Message):
    __slots__ = ("filename", "media_type", "chunk")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    filename: str
    media_type: str
    chunk: bytes
    def __init__(self, filename: _Optional[str] = ..., media_type: _Optional[str] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class SubmitDocumentResponse(_message.Message):
    __slots__ = ("doc_id", "duplicate", "size")
    DOC_ID_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    doc_id: str
    duplicate: bool
    size: int
    def __init__(self, doc_id: _Optional[str] = ..., duplicate: _Optional[bool] = ..., size: _Optional[int] = ...) -> None: ...

class SubmitSmallDocumentRequest(_message.Message):
    __slots__ = ("filename", "media_type", "content")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    filename: str
    media_type: str
    content: bytes
    def __init__(self, filename: _Optional[str] = ..., media_type: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class SubmitSmallDocumentResponse(_message.Message):
    __slots__ = ("doc_id", "duplicate", "size")
    DOC_ID_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    doc_id: str
    duplicate: bool
    size: int
    def __init__(self, doc_id: _Optional[str] = ..., duplicate: _Optional[bool] = ..., size: _Optional[int] = ...) -> None: ...

class GetIngestStatusRequest(_message.Message):
    __slots__ = ("doc_id",)
    DOC_ID_FIELD_NUMBER: _ClassVar[int]
    doc_id: str
    def __init__(self, doc_id: _Optional[str] = ...) -> None: ...

class GetIngestStatusResponse(_message.Message):
    __slots__ = ("doc_id", "state", "reason", "doc_numbers")
    DOC_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DOC_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    doc_id: str
    state: IngestState
    reason: str
    doc_numbers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, doc_id: _Optional[str] = ..., state: _Optional[_Union[IngestState, str]] = ..., reason: _Optional[str] = ..., doc_numbers: _Optional[_Iterable[str]] = ...) -> None: ...

class ReextractDocumentsRequest(_message.Message):
    __slots__ = ("doc_ids", "all")
    DOC_IDS_FIELD_NUMBER: _ClassVar[int]
    ALL_FIELD_NUMBER: _ClassVar[int]
    doc_ids: _containers.RepeatedScalarFieldContainer[str]
    all: bool
    def __init__(self, doc_ids: _Optional[_Iterable[str]] = ..., all: _Optional[bool] = ...) -> None: ...

class ReextractDocumentsResponse(_message.Message):
    __slots__ = ("queued", "missing_doc_ids")
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    MISSING_DOC_IDS_FIELD_NUMBER: _ClassVar[int]
    queued: int
    missing_doc_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, queued: _Optional[int] = ..., missing_doc_ids: _Optional[_Iterable[str]] = ...) -> None: ...
