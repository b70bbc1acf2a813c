"""What the lists, matters and rejections say of other declarations: every API, subscription, element and list
entry they name is declared."""

from hubei_data.registry.contents import Registry
from hubei_data.registry.listed import error


def check(registry: Registry) -> None:
    """Raise the first name that is not declared, as a RegistryError on the entry that names it."""
    declared = {"api": registry.apis, "subscription": registry.subscriptions}
    for code, demand in registry.lists["demands"].entries.items():
        for number, met in enumerate(demand.met_by):
            if met.kind in declared and met.name not in declared[met.kind]:
                named = ", ".join(declared[met.kind])
                raise error(registry.root, "demands", code, f"met_by[{number}].name",
                            f"no {met.kind} {met.name!r} is declared (the {met.kind}s: {named})")
    for code, negative in registry.lists["negative"].entries.items():
        if negative.element is not None and negative.element not in registry.elements:
            raise error(registry.root, "negative", code, "element", f"unknown data element {negative.element!r}")
    for code, matter in registry.matters.items():
        unknown = [api for api in matter.apis if api not in registry.apis]
        if unknown:
            raise error(registry.root, "matters", code, "apis", f"no data API {', '.join(unknown)} is declared"
                                                                f" (the APIs: {', '.join(registry.apis)})")
    for code, rejection in registry.rejections.items():
        if rejection.entry not in registry.lists[rejection.list].entries:
            raise error(registry.root, "rejections", code, "entry",
                        f"{rejection.list} has no entry {rejection.entry!r}")
