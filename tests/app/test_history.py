"""The snapshot history: merge keys fold a drag into one step; the clean mark follows
QUndoStack's rules so the Qt view can mirror it."""

import random

import pytest

from tokentco.app.history import History


def test_a_drag_is_one_step_until_closed() -> None:
    h: History[int] = History()
    for value in (1, 2, 3):
        h.push(value - 1, value, "drag", merge_key="u")
    assert len(h.steps) == 1 and h.steps[0].before == 0 and h.steps[0].after == 3
    h.close_merge()
    assert not h.push(3, 4, "drag", merge_key="u")
    assert len(h.steps) == 2
    assert h.undo() == 3 and h.undo() == 0
    with pytest.raises(IndexError):
        h.undo()
    assert h.redo() == 3 and h.redo() == 4
    with pytest.raises(IndexError):
        h.redo()


def test_different_keys_and_empty_keys_never_merge() -> None:
    h: History[int] = History()
    h.push(0, 1, "a", merge_key="a")
    h.push(1, 2, "b", merge_key="b")
    h.push(2, 3, "x")
    h.push(3, 4, "x")
    assert [s.text for s in h.steps] == ["a", "b", "x", "x"]


def test_clean_mark() -> None:
    h: History[int] = History()
    assert h.is_clean
    h.push(0, 1, "a", merge_key="k")
    assert not h.is_clean
    h.set_clean()
    assert h.is_clean
    assert not h.push(1, 2, "a", merge_key="k")  # never folded into the saved step
    assert not h.is_clean
    assert h.undo() == 1 and h.is_clean
    h.undo()
    h.push(0, 5, "other")  # drops the saved step: the saved state is unreachable now
    assert not h.is_clean
    while h.can_undo:
        h.undo()
    assert not h.is_clean
    h.reset_clean()
    assert not h.is_clean


def test_random_sequences_replay_like_a_reference_list() -> None:
    """Against an independent oracle: the list of states a user can walk through."""
    rng = random.Random(7)
    h: History[int] = History()
    states, at, current = [0], 0, 0
    last_key, open_ = "", False
    for _ in range(400):
        move = rng.random()
        if move < 0.5:
            key = rng.choice(["", "a", "b"])
            new = current + rng.randint(1, 9)
            expect_merge = bool(key) and key == last_key and open_ and at > 0
            expect_merge = expect_merge and h.clean_index != at
            merged = h.push(current, new, "edit", merge_key=key)
            del states[at + 1 :]
            if merged:
                states[at] = new
            else:
                states.append(new)
                at += 1
            assert merged == expect_merge
            current, last_key, open_ = new, key, True
        elif move < 0.75 and h.can_undo:
            current = h.undo()
            at -= 1
            open_ = False
        elif move < 0.95 and h.can_redo:
            current = h.redo()
            at += 1
            open_ = False
        elif move < 0.98:
            h.close_merge()
            open_ = False
        else:
            h.set_clean()  # a save: the next edit never folds into the saved step
        assert current == states[at]
        assert h.index == at
