"""Metadata harvest (元数据采集): what each business system's database holds, kept version by version."""
