"""Governance over the registry's declarations: the three lists (三清单) and the matters catalog (事项目录)."""
