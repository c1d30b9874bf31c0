"""jixiao: Chinese budget performance target tables (绩效目标表) → Parquet datasets."""

__version__ = "0.1.0"
