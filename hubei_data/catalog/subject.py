"""The subject library (主体库): 一企一档, 一品一档 and the child immunisation profile, declared in
registry/catalog/subject/."""

from hubei_data.catalog.library import SUBJECT_MODELS

__all__ = ["SUBJECT_MODELS"]
