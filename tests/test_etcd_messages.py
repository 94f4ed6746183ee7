"""NL304's message teaches the exact config line to add: pinned whole, so a stray brace shows."""

from __future__ import annotations

from conftest import ROOT

from netlint.api import lint

FIXTURE = ROOT / "rules" / "NL304-etcd-storage-unknown" / "fail" / "class-not-in-run.yaml"


def test_nl304_message_is_exact() -> None:
    report = lint([str(FIXTURE)], select=["NL304"])
    assert [(f.rule, f.span.line, f.message) for f in report.findings] == [
        (
            "NL304",
            31,
            "StatefulSet etcd (kv): etcd data (/bitnami/etcd/data, image default of bitnami/etcd "
            "(ETCD_DATA_DIR=/bitnami/etcd/data)) is on storage netlint cannot judge (no "
            "StorageClass named fast-ssd in the run or cluster.storage_classes). etcd needs WAL "
            "fsync p99 under 10 ms (etcd_disk_wal_fsync_duration_seconds). Declare the class's "
            "media in .netlint.yaml (cluster.storage_classes: {fast-ssd: local-nvme | network-ssd "
            "| network-hdd | network-file | ephemeral}), and measure the volume with `fio "
            "--rw=write --ioengine=sync --fdatasync=1 --directory=<a dir on that volume> "
            "--size=22m --bs=2300 --name=etcd-wal`",
        )
    ]
