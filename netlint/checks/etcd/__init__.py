"""NL3xx: etcd on storage too slow for its write-ahead log.

`recognise.py` finds etcd servers (workloads by image/command/env, EtcdCluster objects) and the
volumes under their data and WAL directories; `netlint.checks.storage` resolves each claim's
storage class to its media; `rules.py` judges.
"""
