"""The typed registry of the platform's declarations (registry/), loaded whole or not at all."""

from hubei_data.registry.contents import Registry
from hubei_data.registry.errors import RegistryError
from hubei_data.registry.loader import load, project_registry

__all__ = ["Registry", "RegistryError", "load", "project_registry"]
