"""Undo/redo as a list of immutable snapshots, with merge keys (glue's ``CommandStack``,
but without command objects: a project is immutable, so "before" and "after" *are* the
command).

Consecutive edits with the same non-empty merge key (every value of one slider drag) fold
into one step until :meth:`History.close_merge` ends the gesture. The clean mark follows
``QUndoStack``'s rules — nothing merges into the saved step, and a saved step dropped by a
new edit means "never clean again" — so the Qt view of this history (``ui/document.py``) can
mirror it one for one.
"""

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

NEVER_CLEAN = -1


@dataclass
class Step(Generic[T]):
    """One undoable step: the snapshot before and after, its menu text and merge key."""

    before: T
    after: T
    text: str
    merge_key: str = ""
    open: bool = True

    def merges_with(self, merge_key: str) -> bool:
        return bool(self.merge_key) and self.open and merge_key == self.merge_key


class History(Generic[T]):
    """Steps ``[0, index)`` are done, ``[index, len)`` can be redone."""

    def __init__(self) -> None:
        self.steps: list[Step[T]] = []
        self.index = 0
        self.clean_index = 0

    # --- recording -----------------------------------------------------------------------
    def push(self, before: T, after: T, text: str, merge_key: str = "") -> bool:
        """Record an edit; returns True when it was merged into the previous step."""
        del self.steps[self.index :]
        if self.clean_index > self.index:
            self.clean_index = NEVER_CLEAN  # the saved state can no longer be reached
        top = self.steps[-1] if self.steps else None
        # never fold an edit into the saved step (QUndoStack does not either)
        if top is not None and top.merges_with(merge_key) and self.clean_index != self.index:
            top.after = after
            return True
        self.steps.append(Step(before, after, text, merge_key))
        self.index = len(self.steps)
        return False

    def close_merge(self) -> None:
        """End a drag: the next edit of the same knob starts a new step."""
        if self.steps:
            self.steps[-1].open = False

    def clear(self) -> None:
        self.steps.clear()
        self.index = 0
        self.clean_index = 0

    # --- moving --------------------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return self.index > 0

    @property
    def can_redo(self) -> bool:
        return self.index < len(self.steps)

    def undo(self) -> T:
        """The snapshot before the last done step (IndexError when there is none)."""
        if not self.can_undo:
            raise IndexError("nothing to undo")
        self.index -= 1
        step = self.steps[self.index]
        step.open = False
        if self.index:  # an edit after an undo starts a new step, never folds into an old one
            self.steps[self.index - 1].open = False
        return step.before

    def redo(self) -> T:
        """The snapshot after the next undone step (IndexError when there is none)."""
        if not self.can_redo:
            raise IndexError("nothing to redo")
        step = self.steps[self.index]
        step.open = False
        self.index += 1
        return step.after

    @property
    def undo_text(self) -> str:
        return self.steps[self.index - 1].text if self.can_undo else ""

    @property
    def redo_text(self) -> str:
        return self.steps[self.index].text if self.can_redo else ""

    # --- the saved mark ------------------------------------------------------------------
    @property
    def is_clean(self) -> bool:
        return self.index == self.clean_index

    def set_clean(self) -> None:
        """The current snapshot is what is on disk."""
        self.clean_index = self.index

    def reset_clean(self) -> None:
        """No snapshot in this history is on disk (recovered work)."""
        self.clean_index = NEVER_CLEAN


__all__ = ["NEVER_CLEAN", "History", "Step"]
