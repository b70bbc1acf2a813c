"""The typed registry of the platform's declarations (registry/), loaded whole or not at all."""

from hubei_data.registry.contents import Registry
from hubei_data.registry.errors import RegistryError
from hubei_data.registry.loader import REGISTRY, load

__all__ = ["REGISTRY", "Registry", "RegistryError", "load"]
