"""Front-end database applications (前置库申请) become subscriptions: an approved application is declared as
registry/subscriptions/<id>.yaml under the project folder, where pushes and their schedules read subscriptions.

Every declaration is checked as the registry checks its own (the share dataset, its fields and filter, the negative
list) before it is written, so a push never meets a subscription the registry would refuse."""

from pathlib import Path

import yaml
from pydantic import ValidationError

from hubei_data import registry
from hubei_data.api.store import ApiAdminError
from hubei_data.catalog.share import DATASETS
from hubei_data.exchange.subscription import Subscription, checked
from hubei_data.governance.negative import read_breaches
from hubei_data.registry.subscriptions import Subscription as Declared

SCHEDULE = "0 3 * * *"  # each night at three, Asia/Shanghai, after the night's builds
HEADER = "# 数据共享申请 {grant_id}, approved through the portal by {by}: {purpose}\n"


def subscription_id(grant_id: int) -> str:
    return f"application_{grant_id}"


def mode(dataset: str, fields: list[str]) -> str:
    """Upsert by key when the key is among the fields, so each push sends only what changed; else a whole snapshot."""
    return "upsert" if set(DATASETS[dataset].key) <= set(fields) else "snapshot"


def negative_breaches(dataset: str, fields: list[str], root: Path | None = None) -> list[str]:
    """What of `fields` of the share dataset the negative list (负面清单) forbids, each naming the field and item."""
    negative = registry.load(root).lists["negative"]
    return read_breaches(negative, [DATASETS[dataset]], fields)


def declaration(application: dict) -> dict:
    """The subscription an application asks for, as its registry file declares it."""
    delivery = application["delivery"]
    return {
        "id": subscription_id(application["grant_id"]), "department": application["department"],
        "purpose": application["purpose"], "dataset": application["dataset"], "fields": list(application["fields"]),
        "filter": list(application["row_scope"]), "schedule": SCHEDULE,
        "target": {"url_env": delivery["url_env"], "table": delivery["table"]},
        "mode": mode(application["dataset"], application["fields"]),
        "valid_from": application["valid_from"], "valid_until": application["valid_until"],
    }


def check(document: dict, root: Path | None = None) -> Subscription:
    """The subscription a declaration makes, checked as the registry checks its files; an ApiAdminError naming what
    is wrong otherwise (a field on the negative list among them)."""
    file = f"registry/subscriptions/{document['id']}.yaml"
    try:
        subscription = checked(Declared.model_validate(document), file)
    except ValidationError as error:
        problem = error.errors()[0]
        raise ApiAdminError(f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}") from None
    except registry.RegistryError as error:
        raise ApiAdminError(error.reason if error.field is None else f"{error.field}: {error.reason}") from None
    breaches = negative_breaches(document["dataset"], document["fields"], root)
    if breaches:
        raise ApiAdminError("; ".join(breaches))
    return subscription


def declare(application: dict, by: str, root: Path | None = None) -> dict:
    """Write the approved application's subscription into the registry and return its delivery as declared."""
    root = root or registry.project_registry()
    document = declaration(application)
    check(document, root)
    path = root / "subscriptions" / f"{document['id']}.yaml"
    if path.exists():
        raise ApiAdminError(f"{path.name} already declares a subscription")
    text = HEADER.format(grant_id=application["grant_id"], by=by, purpose=" ".join(application["purpose"].split()))
    path.write_text(text + yaml.safe_dump(_plain(document), allow_unicode=True, sort_keys=False, width=120),
                    encoding="utf-8")
    return {**application["delivery"], "subscription": document["id"], "mode": document["mode"],
            "schedule": SCHEDULE}


def withdraw(application: dict, root: Path | None = None) -> None:
    """Take a revoked application's subscription out of the registry, so no later push delivers it."""
    subscription = (application["delivery"] or {}).get("subscription")
    if subscription:
        ((root or registry.project_registry()) / "subscriptions" / f"{subscription}.yaml").unlink(missing_ok=True)


def _plain(document: dict) -> dict:
    """Dates as YAML dates, tuples as lists."""
    return {key: list(value) if isinstance(value, tuple) else value for key, value in document.items()}
