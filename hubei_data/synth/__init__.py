"""Deterministic synthetic source data, with planted defects and their truth, for testing the platform."""

from hubei_data.synth.pipeline import generate
from hubei_data.synth.report import Defect, GenerationReport, read_truth

__all__ = ["Defect", "GenerationReport", "generate", "read_truth"]
