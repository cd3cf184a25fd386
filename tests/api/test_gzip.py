"""gzip on large textual answers (middleware/gzip.py): the same bytes once decoded, their
own ETag, and 304 / If-Match still working with it."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.responses import FileResponse, StreamingResponse
from starlette.routing import Route

from tests.api.conftest import Tenant
from tests.api.test_charts import chart_paths
from tests.api.test_value_examples_http import v1_graph
from tests.api.value_tracking_builders import (
    create_calculation,
    create_use_case,
    put_measurement,
)
from valuecalc_api.middleware.gzip import MINIMUM_BYTES, GzipMiddleware, _CompressedBodies

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


async def _year_graph(client: httpx.AsyncClient, tenant: Tenant) -> Any:
    """V1's tracker with a second use case and a measurement in every month of its year
    (a report of some size)."""
    graph = await v1_graph(client, tenant.editor)
    use_case = await create_use_case(client, tenant.editor, graph.tracker["id"], name="Second")
    second = await create_calculation(client, tenant.editor, use_case["id"], key="second")
    for month in range(1, 13):
        for calculation_id in (graph.calculation_id, second["id"]):
            if calculation_id == graph.calculation_id and month <= 3:
                continue  # V1's own
            response = await put_measurement(
                client, tenant.editor, calculation_id, f"2026-{month:02d}", f"{80 - month}"
            )
            assert response.status_code == 201, response.text
    return graph


async def _raw(
    client: httpx.AsyncClient, path: str, headers: dict[str, str]
) -> tuple[httpx.Response, bytes]:
    """The answer and its body as sent (not decoded)."""
    async with client.stream("GET", path, headers=headers) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, raw


async def test_large_report_json_and_csv_come_gzipped_and_decode_to_the_same_bytes(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await _year_graph(client, tenant)
    tracker = graph.tracker["id"]
    for path in (
        f"/v1/trackers/{tracker}/report",
        f"/v1/trackers/{tracker}/table.csv",
        "/v1/reports/portfolio",
    ):
        plain, plain_body = await _raw(client, path, tenant.viewer | IDENTITY)
        assert plain.status_code == 200, plain_body
        assert "content-encoding" not in plain.headers
        assert len(plain_body) >= MINIMUM_BYTES, path  # large enough to be compressed
        assert int(plain.headers["content-length"]) == len(plain_body)

        packed, packed_body = await _raw(client, path, tenant.viewer | GZIP)
        assert packed.status_code == 200
        assert packed.headers["content-encoding"] == "gzip", path
        assert gzip.decompress(packed_body) == plain_body, path
        assert len(packed_body) < len(plain_body)
        assert int(packed.headers["content-length"]) == len(packed_body)
        assert packed.headers["content-type"] == plain.headers["content-type"]
        for answer in (plain, packed):
            assert "accept-encoding" in answer.headers["vary"].lower(), path


async def test_small_answers_and_clients_without_gzip_get_identity(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    small = await client.get("/v1/organization", headers=tenant.viewer | GZIP)
    assert small.status_code == 200
    assert len(small.content) < MINIMUM_BYTES
    assert "content-encoding" not in small.headers
    assert "accept-encoding" in small.headers["vary"].lower()

    graph = await _year_graph(client, tenant)
    path = f"/v1/trackers/{graph.tracker['id']}/report"
    refused = await client.get(path, headers=tenant.viewer | {"Accept-Encoding": "gzip;q=0, br"})
    assert "content-encoding" not in refused.headers
    assert refused.json()["months"][-1] == "2026-12"


async def test_the_gzip_etag_is_its_own_and_still_answers_304(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await _year_graph(client, tenant)
    path = f"/v1/trackers/{graph.tracker['id']}/report"
    plain = await client.get(path, headers=tenant.viewer | IDENTITY)
    packed = await client.get(path, headers=tenant.viewer | GZIP)
    assert packed.headers["content-encoding"] == "gzip"
    identity_tag, gzip_tag = plain.headers["etag"], packed.headers["etag"]
    assert gzip_tag != identity_tag  # two representations, two strong tags
    assert gzip_tag == identity_tag[:-1] + '-gzip"'

    for sent, headers in ((gzip_tag, GZIP), (identity_tag, IDENTITY)):
        again = await client.get(path, headers=tenant.viewer | headers | {"If-None-Match": sent})
        assert again.status_code == 304, sent
        assert again.content == b""
        assert again.headers["etag"] == sent
        assert "accept-encoding" in again.headers["vary"].lower()

    # A write makes either tag stale: the next answer is a 200 with a new tag.
    response = await put_measurement(client, tenant.editor, graph.calculation_id, "2026-12", "1")
    assert response.status_code == 200, response.text
    changed = await client.get(path, headers=tenant.viewer | GZIP | {"If-None-Match": gzip_tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] not in (gzip_tag, identity_tag)


async def test_if_match_takes_the_tag_of_a_gzip_answer(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await _year_graph(client, tenant)
    path = f"/v1/trackers/{graph.tracker['id']}"
    read = await client.get(path, headers=tenant.viewer | GZIP)
    tag = read.headers["etag"]
    renamed = await client.patch(
        path, json={"name": "Renamed"}, headers=tenant.editor | GZIP | {"If-Match": tag}
    )
    assert renamed.status_code == 200, renamed.text
    stale = await client.patch(
        path, json={"name": "Again"}, headers=tenant.editor | GZIP | {"If-Match": tag}
    )
    assert stale.status_code == 412
    assert (await client.get(path, headers=tenant.viewer)).json()["name"] == "Renamed"


async def test_svg_charts_are_compressed_and_png_never(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await _year_graph(client, tenant)
    path = chart_paths(graph)[0]
    svg, svg_body = await _raw(client, f"{path}.svg", tenant.viewer | GZIP)
    assert svg.status_code == 200
    assert svg.headers["content-encoding"] == "gzip"
    assert gzip.decompress(svg_body).startswith(b"<svg")
    png, png_body = await _raw(client, f"{path}.png", tenant.viewer | GZIP)
    assert png.status_code == 200
    assert "content-encoding" not in png.headers
    assert png_body.startswith(b"\x89PNG")


async def test_a_streamed_body_is_compressed_as_it_comes() -> None:
    lines = [f"{n},{n * n}\n".encode() for n in range(5000)]

    async def rows() -> Any:
        for line in lines:
            yield line

    async def endpoint(request: Any) -> StreamingResponse:
        return StreamingResponse(rows(), media_type="text/csv")

    app = GzipMiddleware(Starlette(routes=[Route("/rows.csv", endpoint)]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response, body = await _raw(http, "/rows.csv", GZIP)
    assert response.headers["content-encoding"] == "gzip"
    assert "content-length" not in response.headers
    assert gzip.decompress(body) == b"".join(lines)


async def test_a_range_of_a_file_is_sent_as_is(tmp_path: Path) -> None:
    content = b"".join(f"{n},{n * n}\n".encode() for n in range(2000))
    (tmp_path / "rows.csv").write_bytes(content)

    async def endpoint(request: Any) -> FileResponse:
        return FileResponse(tmp_path / "rows.csv", media_type="text/csv")

    app = GzipMiddleware(Starlette(routes=[Route("/rows.csv", endpoint)]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        part, part_body = await _raw(http, "/rows.csv", GZIP | {"Range": "bytes=0-1999"})
        whole, whole_body = await _raw(http, "/rows.csv", GZIP)
    assert part.status_code == 206
    assert "content-encoding" not in part.headers
    assert part_body == content[:2000]
    assert whole.headers["content-encoding"] == "gzip"
    assert gzip.decompress(whole_body) == content


def test_large_bodies_are_compressed_once_and_the_kept_bytes_stay_bounded() -> None:
    bodies = [(f'{{"n": {n}, "rows": [' + "1," * 40_000 + "1]}").encode() for n in range(6)]
    one_size = len(gzip.compress(bodies[0], compresslevel=1, mtime=0))
    kept = _CompressedBodies(max_bytes=3 * one_size + 100)
    first = kept.compress(bodies[0])
    assert gzip.decompress(first) == bodies[0]
    assert kept.compress(bytes(bodies[0])) is first  # equal bytes: the kept output
    for body in bodies:
        assert gzip.decompress(kept.compress(body)) == body
    assert kept.compress(bodies[0]) is not first  # the oldest went out
    assert 0 < sum(map(len, kept._entries.values())) <= kept.max_bytes


def test_the_same_bytes_object_finds_its_gzip_without_hashing_and_the_held_bytes_stay_bounded() -> (
    None
):
    bodies = [(f'{{"n": {n}, "rows": [' + "1," * 40_000 + "1]}").encode() for n in range(4)]
    kept = _CompressedBodies(max_bytes=10**8, max_identity_bytes=2 * len(bodies[0]) + 100)
    assert kept.kept(bodies[0]) is None  # never compressed
    first = kept.compress(bodies[0])
    assert kept.kept(bodies[0]) is first
    equal = bytes(bytearray(bodies[0]))
    assert equal is not bodies[0]
    assert kept.kept(equal) is None  # an equal but other object: found by digest only
    assert kept.compress(equal) is first
    for body in bodies[1:]:
        assert gzip.decompress(kept.compress(body)) == body
    assert kept.kept(bodies[0]) is None  # the oldest identities went out
    assert gzip.decompress(kept.kept(bodies[3]) or b"") == bodies[3]
    assert sum(len(body) for body, _ in kept._by_object.values()) <= kept.max_identity_bytes
