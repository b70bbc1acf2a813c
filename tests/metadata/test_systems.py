"""Each business system's database: its own URL, the shared fallback, the warehouse, and bad configuration."""

import re
from pathlib import Path

import pytest

from hubei_data import systems
from hubei_data.contracts import SOURCES
from hubei_data.resources import SourceDatabaseResource

SECRET = "s3cret-Pass"


def test_every_source_names_a_declared_system_with_an_ascii_code():
    declared = systems.declared()
    assert {s.system_code for s in SOURCES.values()} == set(declared)
    assert declared["elicence"].chinese == "电子证照系统"
    assert declared["elicence"].url_variable == "HUBEI_DATA_SYSTEM_ELICENCE_URL"
    assert all(declared[s.system_code] == systems.System(s.system_code, s.system, s.system_english)
               for s in SOURCES.values())


def test_a_system_reads_its_own_url_then_the_shared_one_then_the_warehouse(warehouse):
    own = {"HUBEI_DATA_SYSTEM_ELICENCE_URL": f"postgresql://reader:{SECRET}@licences.example/dz",
           "HUBEI_DATA_SYSTEM_ELICENCE_SCHEMA": "dzzz",
           "HUBEI_DATA_SOURCE_URL": "postgresql://reader@shared.example/all"}
    licences = systems.connection("elicence", own)
    assert (licences.url.host, licences.schema, licences.via) == ("licences.example", "dzzz",
                                                                  "HUBEI_DATA_SYSTEM_ELICENCE_URL")
    assert SECRET not in licences.shown and "***" in licences.shown
    sampling = systems.connection("sampling", own)
    assert (sampling.url.host, sampling.schema, sampling.via) == ("shared.example", "source_systems",
                                                                  "HUBEI_DATA_SOURCE_URL")
    alone = systems.connection("sampling", {})
    assert (alone.url.database, alone.schema, alone.via) == (warehouse.dbname, "source_systems", "the warehouse")


def test_the_extract_resource_reads_each_source_from_its_own_system(monkeypatch):
    monkeypatch.setenv("HUBEI_DATA_SYSTEM_ENFORCEMENT_URL", "postgresql://reader@cases.example/zf")
    monkeypatch.setenv("HUBEI_DATA_SOURCE_URL", "postgresql://reader@shared.example/all")
    resource = SourceDatabaseResource()
    assert resource.connection(SOURCES["penalty"]).url.host == "cases.example"
    assert resource.connection(SOURCES["penalty"]).schema is None
    assert resource.connection(SOURCES["inspection"]).url.host == "shared.example"


def test_a_system_with_only_a_url_is_connected_without_a_source():
    environ = {"HUBEI_DATA_SYSTEM_ZWFW_URL": "mysql+pymysql://reader@gov.example/zw", "HUBEI_DATA_SYSTEM_X Y_URL": "x",
               "HUBEI_DATA_SYSTEM_wj_URL": "x", "HUBEI_DATA_SYSTEM_ZWFW_SCHEMA": "zw"}
    assert set(systems.systems(environ)) == set(systems.declared()) | {"zwfw"}
    assert [s.code for s in systems.with_own_url(environ)] == ["zwfw"]
    connected = systems.connection("zwfw", environ)
    assert (connected.url.database, connected.schema) == ("zw", "zw")


@pytest.mark.parametrize("code", ["nosuch", "ELICENCE", "'; drop table x; --", ""])
def test_an_unknown_system_is_one_line_naming_the_known_ones(code):
    with pytest.raises(systems.SourceSystemError, match="unknown system .*the systems are .*elicence"):
        systems.connection(code, {})


@pytest.mark.parametrize("url", [f"postgresql://reader:{SECRET}@host:port/db", f"nosuchdriver://u:{SECRET}@h/db",
                                 f"not a url {SECRET}"])
def test_a_malformed_url_names_the_system_and_its_variable_never_the_password(url):
    with pytest.raises(systems.SourceSystemError) as raised:
        systems.connection("sampling", {"HUBEI_DATA_SYSTEM_SAMPLING_URL": url})
    message = str(raised.value)
    assert message.startswith("system sampling (抽检系统): HUBEI_DATA_SYSTEM_SAMPLING_URL is not a usable database URL")
    assert SECRET not in message and "\n" not in message


def test_the_readme_lists_every_system_with_its_code_and_sources():
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme[readme.index("### Connect the business systems"):readme.index("### Harvest metadata")]
    listed = {code: (chinese, set(sources.split(", "))) for code, chinese, sources in
              re.findall(r"^\| `(\w+)` \| (\S+) \| ([\w, ]+) \|$", section, re.MULTILINE)}
    assert listed == {code: (system.chinese, {s.name for s in SOURCES.values() if s.system_code == code})
                      for code, system in systems.declared().items()}


def test_a_url_whose_driver_is_not_installed_says_so():
    with pytest.raises(systems.SourceSystemError, match=r"^system zw: the driver HUBEI_DATA_SYSTEM_ZW_URL names is not"
                                                        r" installed \(No module named 'pyodbc'\)$"):
        systems.connection("zw", {"HUBEI_DATA_SYSTEM_ZW_URL": f"mssql+pyodbc://u:{SECRET}@h/db"})
