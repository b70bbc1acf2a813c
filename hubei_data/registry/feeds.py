"""The feeds to the national bureau (国家局数据上报) as declared: each a query over the share library and what the
bureau requires of its records."""

from pydantic import Field, model_validator

from hubei_data.registry.standards import Declaration, Name, PositiveInteger, Text


class Feed(Declaration):
    """One bureau feed: the share dataset it follows, its records and what the bureau requires.

    `source` is a select over the share library with one row per record; `fields` are what the bureau receives of
    each, `key` the field that names the record; the bureau refuses a record missing a `required` field, a bad
    credit code in a `uscc_fields` field or a bad date in a `date_fields` one; `sla_hours` is how long a change
    may wait before it is overdue."""

    chinese: Text
    dataset: Name
    source: Text
    key: Name
    fields: tuple[Name, ...] = Field(min_length=1)
    required: tuple[Name, ...] = ()
    uscc_fields: tuple[Name, ...] = ()
    date_fields: tuple[Name, ...] = ()
    sla_hours: PositiveInteger = 24

    @model_validator(mode="after")
    def _among_the_fields(self):
        for name in ("key", "required", "uscc_fields", "date_fields"):
            named = getattr(self, name)
            strangers = [each for each in ((named,) if isinstance(named, str) else named) if each not in self.fields]
            if strangers:
                raise ValueError(f"{name} names what is not among the fields: {', '.join(strangers)}")
        return self
