"""Where a region or location code lies: one answer for regions, residencies and supplier locations.

`within(location, area)` is the CEL function SL608 and SL714 share (decision
0010). A location is a cloud region (`eu-central-1`, `europe-west2`,
`germanywestcentral`), an ISO 3166 country code (`de`, `gb`, also `uk`) or a
group (`eu`, `eea`). A region lies in its country, a country in the groups
that list it. London (`gb`) and Zurich (`ch`) are not in the EU, whatever
their region names start with. A region that is not in the table matches only
itself, so an unknown name fails closed instead of matching by prefix.
"""

from __future__ import annotations

EU = frozenset("at be bg hr cy cz dk ee fi fr de gr hu ie it lv lt lu mt nl pl pt ro sk si es se".split())
GROUPS: dict[str, frozenset[str]] = {"eu": EU, "eea": EU | {"is", "li", "no"}}
ALIASES = {"uk": "gb"}

_BY_COUNTRY = {
    "us": "us-east-1 us-east-2 us-west-1 us-west-2 us-central1 us-east1 us-east4 us-east5 us-south1 us-west1 "
    "us-west2 us-west3 us-west4 eastus eastus2 centralus northcentralus southcentralus westcentralus westus "
    "westus2 westus3",
    "ca": "ca-central-1 ca-west-1 northamerica-northeast1 northamerica-northeast2 canadacentral canadaeast",
    "ie": "eu-west-1 northeurope",
    "gb": "eu-west-2 europe-west2 uksouth ukwest",
    "fr": "eu-west-3 europe-west9 francecentral francesouth",
    "de": "eu-central-1 europe-west3 europe-west10 germanywestcentral germanynorth",
    "ch": "eu-central-2 europe-west6 switzerlandnorth switzerlandwest",
    "se": "eu-north-1 swedencentral",
    "it": "eu-south-1 europe-west8 europe-west12 italynorth",
    "es": "eu-south-2 europe-southwest1 spaincentral",
    "be": "europe-west1",
    "nl": "europe-west4 westeurope",
    "fi": "europe-north1",
    "pl": "europe-central2 polandcentral",
    "no": "norwayeast norwaywest",
    "jp": "ap-northeast-1 ap-northeast-3 asia-northeast1 asia-northeast2 japaneast japanwest",
    "kr": "ap-northeast-2 asia-northeast3 koreacentral koreasouth",
    "sg": "ap-southeast-1 asia-southeast1 southeastasia",
    "au": "ap-southeast-2 ap-southeast-4 australia-southeast1 australia-southeast2 australiaeast australiasoutheast",
    "in": "ap-south-1 ap-south-2 asia-south1 asia-south2 centralindia southindia",
    "hk": "ap-east-1 asia-east2 eastasia",
    "br": "sa-east-1 southamerica-east1 brazilsouth",
    "za": "af-south-1 africa-south1 southafricanorth",
    "ae": "me-central-1 me-central2 uaenorth",
    "il": "il-central-1 me-west1 israelcentral",
}
REGIONS: dict[str, str] = {region: country for country, names in _BY_COUNTRY.items() for region in names.split()}
"""Cloud regions (AWS, Google Cloud, Azure) to the ISO 3166 code of the country they are in."""


def within(location: str, area: str) -> bool:
    """Whether `location` (a region, country or group) lies inside `area` (a country or group)."""
    location, area = location.lower(), area.lower()
    if location == area:
        return True
    place = ALIASES.get(location, location)
    place = REGIONS.get(place, place)
    area = ALIASES.get(area, area)
    if place == area:
        return True
    members = GROUPS.get(area)
    if members is None:
        return False
    inner = GROUPS.get(place)
    return place in members or (inner is not None and inner <= members)
