from urllib.parse import unquote, urlsplit

from services.web.urls import clause_anchor, document_url, search_url, unit_url, web_base_url


def test_base_url_from_env_without_trailing_slash() -> None:
    assert web_base_url({}) == "http://127.0.0.1:8080"
    assert web_base_url({"DUBAN_WEB_BASE_URL": "https://duban.example.gov.cn/"}) == "https://duban.example.gov.cn"


def test_unit_url_escapes_the_name_into_one_path_segment() -> None:
    url = unit_url("https://d.example/", "各县（市、区）政府")
    parts = urlsplit(url)
    assert parts.path.startswith("/units/") and parts.path.count("/") == 2
    assert unquote(parts.path.removeprefix("/units/")) == "各县（市、区）政府"


def test_document_url_with_clause_anchor_and_token() -> None:
    url = document_url("http://h:8080", "衢政办发〔2026〕3号", "table1/row/4", token="t k")
    parts = urlsplit(url)
    assert unquote(parts.path) == "/documents/衢政办发〔2026〕3号"
    assert parts.query == "token=t+k"
    assert unquote(parts.fragment) == clause_anchor("table1/row/4") == "clause-table1/row/4"


def test_document_url_without_clause_has_no_fragment() -> None:
    assert "#" not in document_url("http://h", "abc123")
    assert document_url("http://h", "abc123") == "http://h/documents/abc123"


def test_relative_links_for_the_pages_themselves() -> None:
    assert unit_url("", "市数据局").startswith("/units/%E5%B8%82")
    assert search_url("", "5G 基站") == "/search?q=5G+%E5%9F%BA%E7%AB%99"
