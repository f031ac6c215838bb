"""The session without Qt: edits recorded as undo steps, observers told, selection kept."""

import os
from pathlib import Path

import pytest

from tokentco.app.session import Session
from tokentco.domain import Catalogue, Project


class Recorder:
    def __init__(self) -> None:
        self.steps: list[tuple[str, str, bool]] = []
        self.projects: list[Project] = []

    def step_recorded(self, text: str, merge_key: str, merged: bool) -> None:
        self.steps.append((text, merge_key, merged))

    def project_changed(self, project: Project) -> None:
        self.projects.append(project)


def test_every_edit_is_undoable_and_observed(catalogue: Catalogue, project: Project) -> None:
    session = Session(catalogue, project)
    seen = Recorder()
    session.observe(seen)
    for value in (0.5, 0.55, 0.6):
        session.set_field("serving.utilization", value)
    session.close_merge()
    session.set_field("workload.isl_tokens", 4096)
    assert [merged for *_, merged in seen.steps] == [False, True, True, False]
    assert session.dirty and len(session.history.steps) == 2
    session.undo()
    assert session.project.workload == project.workload
    assert all(session.project.serving_for(o).utilization == 0.6 for o in session.project.options)
    session.undo()
    assert session.project == project
    session.redo()
    session.redo()
    assert session.project.workload.isl_tokens == 4096
    assert seen.projects[-1] is session.project


def test_no_change_is_no_step(catalogue: Catalogue, project: Project) -> None:
    session = Session(catalogue, project)
    assert not session.apply(project, "nothing")
    session.set_field("workload.isl_tokens", project.workload.isl_tokens)
    assert not session.history.steps and not session.dirty


def test_add_selects_and_remove_falls_back(catalogue: Catalogue, project: Project) -> None:
    session = Session(catalogue, project)
    assert session.selected_option_id == project.options[0].id
    new_id = session.duplicate_option(project.options[1].id)
    assert session.selected_option_id == new_id
    session.remove_option(new_id)
    assert session.selected_option_id == project.options[0].id


def test_revert_all_to_project_settings_is_one_step(catalogue: Catalogue, project: Project) -> None:
    session = Session(catalogue, project)
    session.use_project_serving()
    assert all(o.serving is None for o in session.project.options)
    session.undo()
    assert session.project == project


def test_saved_and_recovered_state(catalogue: Catalogue, project: Project, tmp_path: Path) -> None:
    session = Session(catalogue, project)
    session.set_field("demand.term_years", 2.0)
    session.mark_saved(tmp_path / "a.tokentco")
    assert not session.dirty and session.path == tmp_path / "a.tokentco"
    session.reset(project, None, dirty=True)
    assert session.dirty and not session.history.can_undo and session.path is None


def test_catalogue_is_cached_until_the_imported_rows_change(
    catalogue: Catalogue, project: Project
) -> None:
    session = Session(catalogue, project)
    first = session.catalogue
    session.set_field("serving.utilization", 0.5)
    assert session.catalogue is first
    offer = next(iter(catalogue.offers.values()))
    session.put_rows("offers", [offer.model_copy(update={"id": "mine"})], "Add offer")
    assert session.catalogue is not first and "mine" in session.catalogue.offers


def test_an_open_file_is_locked_and_released(
    catalogue: Catalogue, project: Project, tmp_path: Path
) -> None:
    from tokentco.io.project_lock import ProjectLocked, holder

    path = tmp_path / "p.tokentco"
    first = Session(catalogue, project)
    first.save_file(path)
    assert not first.dirty and first.path == path
    info = holder(path)
    assert info is not None and info.pid == os.getpid()
    other = Session(catalogue, project)
    with pytest.raises(ProjectLocked) as locked:
        other.open_file(path)
    assert "is open in TokenTCO" in str(locked.value) and str(path) in str(locked.value)
    assert other.path is None  # unchanged
    first.open_file(path)  # reopening one's own file keeps its lock
    assert first.lock is not None and first.lock.held
    first.reset(project, None)  # New: the file is free again
    assert holder(path) is None
    other.open_file(path)
    assert other.project == project and holder(path) is not None
    other.release_lock()


def test_saving_over_a_file_changed_on_disk_needs_consent(
    catalogue: Catalogue, project: Project, tmp_path: Path
) -> None:
    from tokentco.app.session import ChangedOnDisk
    from tokentco.io.project_file import load_project, save_project

    path = tmp_path / "p.tokentco"
    session = Session(catalogue, project)
    session.save_file(path)
    session.set_field("workload.isl_tokens", 2048)
    session.save_file(path)  # our own save since: not a change by someone else
    theirs = project.model_copy(update={"name": "edited elsewhere"})
    save_project(theirs, path)  # e.g. a sync client or an editor
    session.set_field("workload.isl_tokens", 4096)
    with pytest.raises(ChangedOnDisk) as changed:
        session.save_file(path)
    assert str(path) in str(changed.value) and "changed on disk" in str(changed.value)
    assert load_project(path) == theirs and session.dirty
    session.save_file(path, overwrite_changed=True)
    assert load_project(path).workload.isl_tokens == 4096 and not session.dirty
    session.release_lock()


def test_an_import_is_one_step_and_can_compare_its_offers(
    catalogue: Catalogue, project: Project
) -> None:
    from tokentco.io.importer import import_files

    sample = Path(__file__).resolve().parents[2] / "samples" / "rfp_responses.xlsx"
    result = import_files([sample], project.exchange_rates, catalogue=catalogue)
    offers = [row.id for row in result.rows["offers"]]
    assert offers, "the sample RFP workbook quotes offers"
    session = Session(catalogue, project)
    session.apply_import(result, "Import rfp_responses.xlsx", add_offer_options=True)
    assert len(session.history.steps) == 1
    assert all(o in session.catalogue.offers for o in offers)
    compared = [o.id for o in session.project.options]
    assert compared[: len(project.options)] == [o.id for o in project.options]
    assert set(offers) <= set(compared)
    session.undo()
    assert session.project == project
