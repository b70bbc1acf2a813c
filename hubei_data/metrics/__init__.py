"""Metric assets: the indicator system (指标体系) computed as Dagster assets."""
