"""The run store: a journal of finished runs that survives kills and reads older stores."""

import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.engine.params import Params
from sim.experiments.design import Experiment
from sim.experiments.results import timeseries_table
from sim.experiments.store import RunStore, StoreError, run_id
from sim.experiments.tasks import execute


@pytest.fixture(scope="module")
def results():
    params = Params().replace({"org.employees": 120, "run.steps": 6})
    return [execute(task) for task in Experiment.comparison(params, ["none", "org_wide_first"],
                                                            2).tasks()]


def journal_of(root):
    (path,) = (root / "store").glob("runs-*.journal")
    return path


def test_saved_runs_load_back_in_task_order(tmp_path, results):
    with RunStore(tmp_path) as store:
        for result in reversed(results):
            store.save(result, {"org.cross_division_share": 0.1})
    runs, series = RunStore(tmp_path).load([r.task for r in results])
    assert runs.column("strategy").to_pylist() == [r.task.strategy for r in results]
    assert runs.column("replication").to_pylist() == [r.task.replication for r in results]
    assert runs.column("knowledge_final").to_pylist() == [r.kpis["knowledge_final"]
                                                          for r in results]
    assert "run_seconds" not in runs.column_names
    assert series.num_rows == 7 * len(results)
    assert RunStore(tmp_path).done() == {run_id(r.task) for r in results}


def test_a_record_cut_short_is_ignored_and_the_next_command_writes_its_own_journal(
        tmp_path, results):
    with RunStore(tmp_path) as store:
        for result in results[:3]:
            store.save(result, {})
    journal = journal_of(tmp_path)
    size = journal.stat().st_size
    with open(journal, "r+b") as handle:  # a kill in the middle of the third record
        handle.truncate(size - 100)
    assert RunStore(tmp_path).done() == {run_id(r.task) for r in results[:2]}
    with RunStore(tmp_path) as store:  # --resume: the missing runs go to a new journal
        for result in results[2:]:
            store.save(result, {})
    assert len(list((tmp_path / "store").glob("runs-*.journal"))) == 2
    runs, _ = RunStore(tmp_path).load([r.task for r in results])
    assert runs.num_rows == len(results)
    with pytest.raises(StoreError, match="is missing"):
        RunStore(tmp_path / "elsewhere").load([results[0].task])


def test_a_store_of_run_files_from_earlier_versions_is_still_read(tmp_path, results):
    folder = tmp_path / "store"
    folder.mkdir()
    old, new = results[:2], results[2:]
    for result in old:  # the former layout: a series file and a run file per run
        key, keys = run_id(result.task), result.task.keys()
        pq.write_table(timeseries_table(result.series, keys), folder / f"{key}.timeseries.parquet")
        row = {**keys, **result.kpis, "run_seconds": result.seconds}
        pq.write_table(pa.table({k: pa.array([v]) for k, v in row.items()}),
                       folder / f"{key}.run.parquet")
    with RunStore(tmp_path) as store:
        for result in new:
            store.save(result, {})
    runs, series = RunStore(tmp_path).load([r.task for r in results])
    assert runs.column("strategy").to_pylist() == [r.task.strategy for r in results]
    assert series.num_rows == 7 * len(results)
    everything, _ = RunStore(tmp_path).stored()
    assert everything.num_rows == len(results) and "run_seconds" in everything.column_names


def test_a_saved_run_is_on_disk_before_save_returns(tmp_path, results):
    store = RunStore(tmp_path)
    store.save(results[0], {})
    # Read by another store object while the first still holds its journal open, as after a
    # kill: the record was flushed.
    assert RunStore(tmp_path).done() == {run_id(results[0].task)}
    assert os.path.getsize(journal_of(tmp_path)) > 0
    store.close()
