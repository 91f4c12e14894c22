from __future__ import annotations

from app.audit.domain.chain import GENESIS_HASH, ChainLink, event_hash, verify_chain


def _chain(contents):
    links, prev = [], GENESIS_HASH
    for seq, content in enumerate(contents, start=1):
        digest = event_hash(prev, content)
        links.append(ChainLink(seq, content, prev, digest))
        prev = digest
    return links


def test_an_untouched_chain_verifies():
    assert verify_chain(_chain([{"a": 1}, {"b": 2}, {"c": 3}])) is None


def test_an_edited_event_is_detected_at_its_sequence():
    links = _chain([{"a": 1}, {"b": 2}, {"c": 3}])
    links[1] = ChainLink(2, {"b": 999}, links[1].prev_hash, links[1].hash)
    broken = verify_chain(links)
    assert broken is not None and broken.sequence == 2


def test_a_deleted_event_is_detected():
    links = _chain([{"a": 1}, {"b": 2}, {"c": 3}])
    broken = verify_chain([links[0], links[2]])
    assert broken is not None and broken.sequence == 3


def test_key_order_does_not_change_the_hash():
    assert event_hash(GENESIS_HASH, {"x": 1, "y": 2}) == event_hash(GENESIS_HASH, {"y": 2, "x": 1})
