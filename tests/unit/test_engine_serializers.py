"""Both engine adapters read and write JSON through ``document_json``'s parsers, for every JSON media
type their client answers with, and keep what the fast parsers cannot hold exact. The round trip through
a real node is ``test_wide_integers_and_lone_surrogates_round_trip_through_reads_claims_and_writes``;
this covers the Elasticsearch adapter, which only runs where a test cluster is Elasticsearch."""

import json

import pytest

from app.storage.elasticsearch.engine_elasticsearch import DocumentJsonSerializer as ElasticsearchJson
from app.storage.elasticsearch.engine_elasticsearch import ElasticsearchEngine
from app.storage.elasticsearch.engine_opensearch import DocumentJsonSerializer as OpenSearchJson
from app.storage.elasticsearch.engine_opensearch import OpenSearchEngine

CLOSED_PORT = ["http://127.0.0.1:9"]
AWKWARD = {"wide": 2**70, "lone": "\ud800", "text": "naïve ✓"}


def test_the_elasticsearch_client_parses_json_and_compatibility_media_types_with_document_json() -> None:
    engine = ElasticsearchEngine.connect(
        CLOSED_PORT, username=None, password=None, request_timeout=1.0, ca_certs=None
    )
    serializers = engine._client.transport.serializers
    for media_type in ("application/json", "application/vnd.elasticsearch+json; compatible-with=8"):
        assert isinstance(serializers.get_serializer(media_type), ElasticsearchJson)


def test_the_opensearch_clients_parse_json_with_document_json() -> None:
    engine = OpenSearchEngine.connect(
        CLOSED_PORT, username=None, password=None, request_timeout=1.0, ca_certs=None
    )
    for client in (engine._client, engine._writer):
        assert isinstance(client.transport.serializer, OpenSearchJson)
        assert isinstance(client.transport.deserializer.serializers["application/json"], OpenSearchJson)


@pytest.mark.parametrize(
    "serializer", [ElasticsearchJson(), OpenSearchJson()], ids=["elasticsearch", "opensearch"]
)
def test_wide_integers_and_lone_surrogates_survive_as_ascii_json(
    serializer: ElasticsearchJson | OpenSearchJson,
) -> None:
    text = serializer.dumps(AWKWARD)
    encoded = text.encode() if isinstance(text, str) else text

    encoded.decode("ascii")  # a lone surrogate has no UTF-8 form, so it must go out escaped
    assert json.loads(encoded) == AWKWARD
    if isinstance(serializer, ElasticsearchJson):
        assert serializer.loads(encoded) == AWKWARD
    else:
        assert serializer.loads(encoded.decode()) == AWKWARD


@pytest.mark.parametrize(
    "serializer", [ElasticsearchJson(), OpenSearchJson()], ids=["elasticsearch", "opensearch"]
)
def test_ordinary_bodies_are_compact_utf8_json(serializer: ElasticsearchJson | OpenSearchJson) -> None:
    text = serializer.dumps({"query": {"term": {"queue": "naïve"}}, "size": 3})
    encoded = text.encode() if isinstance(text, str) else text

    assert encoded == '{"query":{"term":{"queue":"naïve"}},"size":3}'.encode()
